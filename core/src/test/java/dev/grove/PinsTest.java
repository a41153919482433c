package dev.grove;

import dev.grove.internal.Inspector;
import dev.grove.internal.StoreDir;
import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins keep a region alive with no holder and no lease, whatever processes come and go; checked on the
 * files (the region's inode stays, the pin file's mode and time) and on the kernel's locks (nobody holds it).
 */
class PinsTest {
    private static final RegionStore STORE = RegionStore.defaultStore();

    /**
     * A receiver pins what a reference names (data it was sent, to keep at rest): the region then survives
     * the sender's view, the lease and a sweep; a stale reference cannot pin whatever now has that name.
     */
    @Test
    void aReferenceCanBePinnedByItsReceiver() throws Exception {
        SharedRef ref;
        try (SharedDoubleArray v = Grove.share(new double[] {1, 2, 3})) {
            ref = v.ref();
        }
        Pin pin = STORE.pin(ref, null);
        Path file = STORE.file(ref.path());
        try {
            Await.leaseEnded(file);
            STORE.sweep();
            assertTrue(Files.exists(file), "a pinned region outlives the sender's view and the lease");
            try (SharedDoubleArray back = Grove.map(ref, SharedDoubleArray.class)) {
                assertEquals(3.0, back.getDouble(2));
            }
        } finally {
            assertTrue(pin.unpin()); // also when an assertion above failed: a pin left behind outlives the suite
        }
        assertFalse(Files.exists(file), "unpinned and unheld, the region is deleted at once");
        SharedRef forged = SharedRef.fromWire(ref.path(), ref.wireId() + 1);
        assertThrows(GroveException.class, () -> STORE.pin(forged, null));
        Leaks.assertNoRegionsLeft(10);
    }

    @Test
    void aPinnedRegionOutlivesItsCreatorEveryViewAndEveryLease() throws Exception {
        String path;
        Pin pin;
        Path file;
        Object inode;
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 60);
            child.send("share 3");
            path = child.expect("share ", 30);
            try (SharedObject v = Grove.map(path)) {
                pin = STORE.pin(v);
                file = STORE.file(path);
                inode = Files.getAttribute(file, "unix:ino");
            }
            assertEquals(path, pin.regionPath());
            assertTrue(pin.expires().isEmpty());
            child.kill(); // its creator dies holding it
        }
        // No holder left (asked of the kernel), no lease was taken, a sweep runs: the file stays, same inode.
        Await.until("the kernel dropped the dead creator's lock on " + file, () -> !KernelLocks.lockedByAnyone(file));
        STORE.sweep();
        assertTrue(Files.exists(file), "a pinned region is not swept");
        assertEquals(inode, Files.getAttribute(file, "unix:ino"));
        Path pinFile = STORE.directory().resolve(".grove-pins").resolve(pin.name());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pinFile, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0, Files.getLastModifiedTime(pinFile).toMillis(), "a pin without expiry has time 0");
        Inspector.Entry listed = Inspector.list(StoreDir.defaultStore()).stream()
                .filter(e -> ("/" + e.name()).equals(path)).findFirst().orElseThrow();
        assertEquals(1, listed.pins());
        assertFalse(listed.reclaimable());
        assertEquals(List.of(pin), STORE.pins(path));
        try (SharedDoubleArray again = Grove.map(path)) {
            assertEquals(List.of(0.0, 1.0, 2.0), again, "still readable");
        }
        // Unpinned from another process by name: the region goes at once (nothing else keeps it).
        try (ChildJvm other = ChildJvm.start(Child.class)) {
            other.expect("ready", 60);
            other.send("unpin " + pin.name());
            assertEquals("true", other.expect("unpin ", 30));
        }
        STORE.sweep();
        assertFalse(Files.exists(file), "unpinned and unheld: deleted");
        assertFalse(Files.exists(pinFile));
        assertFalse(pin.unpin(), "already gone");
    }

    @Test
    void anExpiredPinStopsProtectingAndIsSwept() throws Exception {
        Path file;
        Pin pin;
        try (SharedIntArray v = Grove.share(new int[] {4, 5})) {
            pin = STORE.pin(v, Duration.ofMillis(1_500));
            file = STORE.file(v.path());
            assertTrue(pin.expires().isPresent());
        }
        assertTrue(Files.exists(file), "pinned for 1.5 s");
        Instant pinEnd = pin.expires().orElseThrow();
        Await.until("the pin's time has passed", () -> Instant.now().isAfter(pinEnd));
        Await.leaseEnded(file);
        STORE.sweep();
        assertFalse(Files.exists(file), "the pin expired");
        assertTrue(STORE.pins("/" + file.getFileName()).isEmpty(), "the sweep deleted the expired pin file");
    }

    @Test
    void aPinnedRegionIsNeverRecycledAndOrphanPinsAreSwept() throws Exception {
        double[] big = new double[200_000]; // over 1 MiB: a candidate for reuse
        Path file;
        Pin pin;
        try (SharedDoubleArray v = Grove.share(big)) {
            pin = STORE.pin(v);
            file = STORE.file(v.path());
        }
        assertTrue(Files.exists(file), "kept under its own name, not renamed into a spare");
        try (SharedDoubleArray again = Grove.map("/" + file.getFileName())) {
            assertEquals(big.length, again.length());
        }
        assertTrue(pin.unpin());
        assertFalse(Files.exists(file));
        assertThrows(IllegalArgumentException.class, () -> STORE.unpin("../../etc/passwd"));

        // A pin whose region was removed by force (grove rm --force) is dropped by the next sweep.
        Pin orphan;
        try (SharedIntArray v = Grove.share(new int[] {1})) {
            orphan = STORE.pin(v);
            file = STORE.file(v.path());
        }
        Files.delete(file);
        STORE.sweep();
        assertTrue(STORE.pins(orphan.regionPath()).isEmpty(), "orphan pin swept");
    }

    @AfterAll
    static void nothingLeaks() throws Exception {
        Leaks.assertNoRegionsLeft(30);
        Path pins = STORE.directory().resolve(".grove-pins");
        if (Files.isDirectory(pins)) {
            try (var left = Files.list(pins)) {
                assertEquals(List.of(), left.toList(), "pin files left behind");
            }
        }
    }
}

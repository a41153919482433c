package dev.grove;

import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stores as objects: two stores in one process with their own lease and recycling policies, checked on the
 * files themselves (lease = the file's mtime; a recycled region = a file that stays), and references that
 * carry their store and their boot, mapped by a child JVM with no configuration.
 */
class StoresTest {
    private static final long PID = ProcessHandle.current().pid();
    /** On tmpfs, like the default store, but with a 1 s lease and recycling on. */
    private static final Path MEMORY = Path.of("/dev/shm", "grove-stores-test-" + PID);
    /** On tmpfs too, with recycling off: the recycling budget is the store's own. */
    private static final Path MEMORY_NO_REUSE = Path.of("/dev/shm", "grove-stores-test-noreuse-" + PID);
    /** On the build folder's disk, with a 4 s lease and recycling off. */
    private static final Path DISK = Path.of("target", "stores-test-" + PID).toAbsolutePath();

    @Test
    void twoStoresKeepTheirOwnPoliciesAndAChildMapsReferencesIntoBoth() throws Exception {
        RegionStore memory = RegionStore.builder(MEMORY).lease(Duration.ofSeconds(1)).recycleBytes(64 << 20).open();
        RegionStore disk = RegionStore.builder(DISK).lease(Duration.ofSeconds(4)).recycleBytes(0).open();
        assertSame(memory.directory(), RegionStore.open(MEMORY).directory(), "one store object per directory");
        assertEquals(memory, RegionStore.open(MEMORY));
        StoreException other = assertThrows(StoreException.class,
                () -> RegionStore.builder(MEMORY).lease(Duration.ofSeconds(9)).open());
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());

        double[] data = new double[300_000]; // 2.4 MB: large enough to be kept for reuse
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5;
        }
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 60);
            try (SharedDoubleArray inMemory = memory.share(data); SharedDoubleArray onDisk = disk.share(data)) {
                assertTrue(Files.exists(memory.file(inMemory.path())) && Files.exists(disk.file(onDisk.path())));
                assertFalse(Files.exists(RegionStore.defaultStore().file(inMemory.path())), "not in the default store");

                long before = System.currentTimeMillis();
                SharedRef memoryRef = inMemory.ref();
                SharedRef diskRef = onDisk.ref();
                // The lease is the file's modification time, as the kernel reports it.
                long memoryLease = Files.getLastModifiedTime(memory.file(inMemory.path())).toMillis() - before;
                long diskLease = Files.getLastModifiedTime(disk.file(onDisk.path())).toMillis() - before;
                assertTrue(memoryLease > 500 && memoryLease < 1_500, "1 s lease: " + memoryLease);
                assertTrue(diskLease > 3_500 && diskLease < 4_500, "4 s lease: " + diskLease);

                assertEquals(MEMORY, memoryRef.store().orElseThrow());
                assertEquals(DISK, diskRef.store().orElseThrow());
                // The child has no store configured: the references say where to look.
                child.send("ref " + memoryRef);
                assertEquals(Child.digest(data), child.expect("ref ", 30));
                child.send("ref " + diskRef);
                assertEquals(Child.digest(data), child.expect("ref ", 30));
            }
        }
        assertEquals(List.of(), memory.awaitEmpty(Duration.ofSeconds(120)));
        assertEquals(List.of(), disk.awaitEmpty(Duration.ofSeconds(120)));

        // Recycling: a region released with no lease running stays in the tmpfs store as a spare (one file,
        // renamed, unsealed), ready for the next region; the disk store, recycling off, deletes it at once.
        RegionStore noReuse = RegionStore.builder(MEMORY_NO_REUSE).recycleBytes(0).open();
        memory.share(data).close();
        noReuse.share(data).close();
        disk.share(data).close();
        assertEquals(1, regionFiles(MEMORY), "the tmpfs store keeps one spare: " + memory.regionNames());
        assertEquals(0, regionFiles(MEMORY_NO_REUSE), "the tmpfs store without recycling keeps nothing");
        assertEquals(0, regionFiles(DISK), "the disk store keeps nothing: " + disk.regionNames());
        try (SharedDoubleArray again = memory.share(data)) {
            assertEquals(1, regionFiles(MEMORY), "the next region is made from the spare");
            assertEquals(data.length, again.length());
        }
        assertEquals(List.of(), memory.awaitEmpty(Duration.ofSeconds(120)));
        assertEquals(List.of(), disk.awaitEmpty(Duration.ofSeconds(120)));
    }

    /** On tmpfs, retained: sealed regions stay until deleted, whoever sweeps. */
    private static final Path RETAINED = Path.of("/dev/shm", "grove-stores-test-retained-" + PID);

    @Test
    void aRetainedStoreKeepsSealedRegionsUntilDeletedWhoeverSweeps() throws Exception {
        RegionStore retained = RegionStore.builder(RETAINED).retained(true).open();
        assertTrue(retained.retained());
        assertTrue(Files.exists(RETAINED.resolve(".grove-retained")), "recorded in the directory");
        double[] data = new double[300_000]; // large enough to be recycled, were the store not retained
        String path;
        Path file;
        Object inode;
        try (SharedDoubleArray v = retained.share(data)) {
            path = v.path();
            file = retained.file(path);
            inode = Files.getAttribute(file, "unix:ino");
            assertFalse(retained.delete(path), "refused while this process holds it");
        }
        retained.sweep();
        try (ChildJvm child = ChildJvm.start(List.of("-Dgrove.store=" + RETAINED), Child.class)) {
            child.expect("ready", 60);
            child.send("sweep"); // another process, told nothing about retention
            child.expect("sweep", 30);
        }
        assertTrue(Files.exists(file), "kept with no holder, lease or pin");
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the same file, not recycled under another name");
        try (SharedDoubleArray again = retained.map(path)) {
            assertEquals(data.length, again.length());
        }
        assertTrue(retained.delete(path));
        assertFalse(Files.exists(file));
    }

    @Test
    void aReferenceFromAnotherBootIsRefusedNamingBothBoots() {
        try (SharedDoubleArray v = Grove.share(new double[] {1, 2})) {
            SharedRef ref = v.ref();
            assertNotEquals(0, ref.bootMark(), "this machine has a boot id");
            int other = ~ref.bootMark();
            String otherHex = HexFormat.of().toHexDigits(other);
            SharedRef foreign = SharedRef.parse(v.path() + "#" + HexFormat.of().toHexDigits(ref.regionId()) + "@" + otherHex);
            StaleReferenceException e = assertThrows(StaleReferenceException.class, () -> Grove.map(foreign));
            assertTrue(e.getMessage().contains("ref.boot=" + otherHex), e.getMessage());
            assertTrue(e.getMessage().contains("here.boot=" + HexFormat.of().toHexDigits(ref.bootMark())), e.getMessage());
            // The same reference with this boot's mark maps; so does one without any (an earlier writer's).
            try (SharedDoubleArray same = Grove.map(SharedRef.parse(ref.toString()));
                 SharedDoubleArray legacy = Grove.map(SharedRef.fromWire(ref.path(), ref.wireId()))) {
                assertEquals(v, same);
                assertEquals(v, legacy);
            }
        }
    }

    @Test
    void aReferenceIntoAStoreThatIsNotPrivateIsRefused() throws IOException {
        Path open = Files.createTempDirectory("grove-open-store");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            SharedRef ref = SharedRef.parse("/grove_1_2#0000000000000001@00000000@" + open);
            StoreException e = assertThrows(StoreException.class, () -> Grove.map(ref));
            assertTrue(e.getMessage().contains("open to group or others") && e.getMessage().contains(open.toString()),
                    e.getMessage());
            SharedRef missing = SharedRef.parse("/grove_1_2#0000000000000001@00000000@" + open.resolve("gone"));
            StoreException none = assertThrows(StoreException.class, () -> Grove.map(missing));
            assertTrue(none.getMessage().contains("no such store directory"), none.getMessage());
            assertFalse(Files.exists(open.resolve("gone")), "mapping never creates a store");
        } finally {
            Files.delete(open);
        }
    }

    private static long regionFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("grove_")).count();
        }
    }

    @AfterAll
    static void removeStores() throws IOException {
        for (Path dir : new Path[] {MEMORY, MEMORY_NO_REUSE, DISK, RETAINED}) {
            if (Files.exists(dir)) {
                List<String> left = RegionStore.open(dir).awaitEmpty(Duration.ofSeconds(120));
                assertEquals(List.of(), left, "regions left in " + dir);
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
        Leaks.assertNoRegionsLeft(30);
    }
}

package dev.grove.internal;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.RegionNotFoundException;
import dev.grove.SharedDoubleArray;
import dev.grove.test.Await;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The one lifecycle of a region file in this process ({@link Region.State}), each state checked against what
 * the kernel reports for the file: a lock of this process while the file is open here (WRITING, SEALED,
 * SPARE), no descriptor at all once RELEASED, and the same inode carried from a spare into the region made
 * from it. Steps the lifecycle does not allow are refused, never silently taken.
 */
class RegionLifecycleTest {
    private static final long PID = ProcessHandle.current().pid();
    /** Above {@link Spares#MIN_BYTES}, so that a released region becomes a spare. */
    private static final int LENGTH = 300_000;

    @AfterEach
    void dropSpares() {
        Mapping.dropSpares(StoreDir.defaultStore());
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }

    /**
     * A leased region mapped and released again and again under one lease leaves one reminder to delete it at
     * the lease's end, not one per release; and the reminder still deletes the file once the lease is over.
     */
    @Test
    void releasesOfALeasedRegionLeaveOneReminder() throws Exception {
        // Three seconds: the 200 maps below must fit in the lease even on a loaded machine.
        System.setProperty("grove.lease.seconds", "3");
        try {
            dev.grove.SharedRef ref;
            Path file;
            try (SharedDoubleArray a = Grove.share(new double[] {1, 2, 3})) {
                ref = a.ref();
                file = RegionFiles.fileOf(a);
            }
            int before = LocalRegions.PROCESS.housekeeping.pendingTasks();
            for (int i = 0; i < 200; i++) {
                try (SharedDoubleArray again = Grove.map(ref)) {
                    assertEquals(3, again.length());
                }
            }
            assertTrue(LocalRegions.PROCESS.housekeeping.pendingTasks() - before <= 2,
                    "reminders pending: before=" + before + " after=" + LocalRegions.PROCESS.housekeeping.pendingTasks());
            assertTrue(Files.exists(file), "the lease still keeps the file");
            // The reminder deletes the file before it stops being pending: a periodic sweep (once a minute) that
            // came first cannot stand in for a reminder that never runs, which would stay pending.
            String name = file.getFileName().toString();
            assertTrue(Deletion.deletionReminderPending(name), "a reminder waits for the lease end");
            Await.until("the reminder at the lease end ran", () -> !Deletion.deletionReminderPending(name));
            assertFalse(Files.exists(file), "the reminder deleted the file after the lease: " + file);
        } finally {
            System.setProperty("grove.lease.seconds", "2");
        }
    }

    /**
     * A lease that ends between a release finding it running and the reminder being set still gets a reminder,
     * at once. (Without one, the file waited for a periodic sweep and outlived its creator's exit: a process
     * releasing a region in the last milliseconds of its lease left it behind.) The region's first reminder is
     * five minutes away, past the wait here, so only the new one can delete the file in time.
     */
    @Test
    void aLeaseThatEndedJustNowStillGetsItsReminder() throws Exception {
        System.setProperty("grove.lease.seconds", "300");
        try {
            Path file;
            try (SharedDoubleArray a = Grove.share(new double[] {1})) {
                a.ref();
                file = RegionFiles.fileOf(a);
            }
            String name = file.getFileName().toString();
            long ended = System.currentTimeMillis() - 1;
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(ended));
            Deletion.deleteAtLeaseEnd(StoreDir.defaultStore(), name, ended); // as a release that saw it running does
            long at = Deletion.reminderFor(name);
            assertTrue(at == ended || !Files.exists(file), "a reminder for the lease that ended, not the old one: " + at);
            Await.until("a reminder deleted " + file + " at once", () -> !Files.exists(file));
        } finally {
            System.setProperty("grove.lease.seconds", "2");
        }
    }

    /**
     * Unpinning a region while another process's sweep looks at it (holding the exclusive lock, having read the
     * pin) still deletes it: the deleter waits for that check to end and looks again, rather than leaving the file
     * to the checker, who kept it for the pin. (Left to the checker, the file stayed until the next periodic
     * sweep: a namespace variable unregistered during another process's sweep kept its region.)
     */
    @Test
    void anUnpinnedRegionIsDeletedEvenWhileAnotherProcessChecksIt() throws Exception {
        StoreDir store = StoreDir.defaultStore();
        Path file;
        String pin;
        try (SharedDoubleArray a = Grove.share(new double[] {1})) {
            file = RegionFiles.fileOf(a);
            pin = Pins.pin(store, file.getFileName().toString(), 0);
        }
        assertTrue(Files.exists(file), "the pin keeps the released region");
        String name = file.getFileName().toString();
        boolean[] deleted = new boolean[1];
        Thread deleter;
        // Another open file description, as another process's sweep has: its exclusive lock conflicts with ours.
        try (RegionFile sweep = RegionFile.open(file)) {
            assertTrue(sweep.tryLock(true), "nobody else holds the released region");
            assertTrue(Pins.pinned(store.directory(), name), "the sweep reads the pin");
            Pins.unpin(store, pin);
            deleter = Thread.ofPlatform().start(() -> deleted[0] = Deletion.deleteIfFree(store, name));
            Await.until("the deleter waits for the sweep, or gives up", () -> deleter.getState() == Thread.State.TIMED_WAITING
                    || deleter.getState() == Thread.State.TERMINATED);
            assertTrue(Files.exists(file), "nothing deletes a file while another description holds its exclusive lock");
        } // the sweep ends, keeping the file for the pin it read
        deleter.join(60_000);
        assertFalse(deleter.isAlive(), "the deleter's wait for a check is bounded");
        assertTrue(deleted[0], "the deleter looked again once the sweep ended");
        assertFalse(Files.exists(file), "unpinned and unheld: deleted at once, not at the next periodic sweep");
    }

    @Test
    void everyStateIsWhatTheKernelSees() {
        Region written;
        long ino;
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, LENGTH)) {
            written = regionWriting();
            assertEquals(Region.State.WRITING, written.state());
            Path file = written.file();
            ino = KernelLocks.inode(file);
            assertTrue(KernelLocks.lockedBy(PID, file), "WRITING: the kernel lists this process's lock");
            w.segment().fill((byte) 0);
            try (SharedDoubleArray v = w.seal()) {
                assertEquals(Region.State.SEALED, written.state());
                assertSame(written, LocalRegions.PROCESS.table.get(written.name()));
                KernelLocks.assertHeldHere(v, "SEALED");
            }
        }
        // The last view is gone: the region became a spare under a new name, still locked here.
        assertEquals(Region.State.SPARE, written.state());
        assertEquals(-1, KernelLocks.inode(StoreDir.defaultStore().file(written.name())), "the old name is gone");
        Path spareFile = written.file();
        assertEquals(ino, KernelLocks.inode(spareFile), "the spare is the same file");
        assertTrue(KernelLocks.lockedBy(PID, spareFile), "SPARE: the kernel lists this process's lock");
        assertFalse(LocalRegions.PROCESS.table.containsKey(written.name()));
        assertSame(written, LocalRegions.PROCESS.table.get(spareFile.getFileName().toString()));

        // The next region of that size is made from the spare: same inode, a new region object, the spare released.
        try (SharedDoubleArray again = Grove.share(new double[LENGTH])) {
            assertEquals(Region.State.RELEASED, written.state());
            Path file = RegionFiles.fileOf(again);
            assertEquals(ino, KernelLocks.inode(file), "made from the spare's file");
            Region reused = LocalRegions.PROCESS.table.get(file.getFileName().toString());
            assertNotSame(written, reused);
            assertEquals(Region.State.SEALED, reused.state());
            KernelLocks.assertHeldHere(again, "SEALED, made from a spare");
            written = reused;
        }
        assertEquals(Region.State.SPARE, written.state());
        Mapping.dropSpares(StoreDir.defaultStore());
        assertEquals(Region.State.RELEASED, written.state());
        assertFalse(LocalRegions.PROCESS.table.containsValue(written));
        assertEquals(0, KernelLocks.descriptorsOn(PID, ino), "RELEASED: no descriptor of this process on the file");
    }

    @Test
    void aRegionMappedFromTheStoreIsReleasedWithItsLastView() throws Exception {
        byte[] bytes;
        try (SharedDoubleArray v = Grove.share(new double[] {1, 2, 3})) {
            bytes = RegionFiles.bytesOf(v);
        }
        Path copy = StoreDir.defaultStore().file(RegionFiles.write(bytes));
        String name = copy.getFileName().toString();
        long ino = KernelLocks.inode(copy);
        SharedDoubleArray first = Grove.map("/" + name);
        SharedDoubleArray second = Grove.map("/" + name);
        Region r = LocalRegions.PROCESS.table.get(name);
        assertEquals(Region.State.SEALED, r.state());
        assertEquals(1, KernelLocks.descriptorsOn(PID, ino), "one descriptor for every view of a region");
        first.close();
        assertEquals(Region.State.SEALED, r.state(), "one view left");
        assertTrue(KernelLocks.lockedBy(PID, copy));
        second.close();
        assertEquals(Region.State.RELEASED, r.state());
        assertFalse(KernelLocks.lockedBy(PID, copy), "RELEASED: this process holds no lock on the file");
        assertTrue(Files.exists(copy), "its lease (two minutes) keeps the file after the last holder");
        // The mapping is kept, unlocked, for a while (Warm): its descriptor goes when that ends.
        Await.until("RELEASED and idle: no descriptor of this process on the file", () -> KernelLocks.descriptorsOn(PID, ino) == 0);
        RegionFiles.delete(name);
    }

    @Test
    void stepsTheLifecycleDoesNotAllowAreRefused() {
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 16)) {
            Region r = regionWriting();
            // A region being written here is not a region any reader may see, even in this process.
            RegionNotFoundException e = assertThrows(RegionNotFoundException.class,
                    () -> Mapping.open(StoreDir.defaultStore(), r.name(), 0));
            assertTrue(e.getMessage().contains("state WRITING"), e.getMessage());
            try (SharedDoubleArray v = w.seal()) {
                IllegalStateException twice = assertThrows(IllegalStateException.class, () -> Creation.seal(r, 40, false));
                assertTrue(twice.getMessage().contains("state=SEALED expected=WRITING next=SEALED"), twice.getMessage());
                assertTrue(twice.getMessage().contains("region=/" + r.name()), twice.getMessage());
                assertEquals(0.0, v.getDouble(3));
            }
            assertEquals(Region.State.RELEASED, r.state());
            IllegalStateException late = assertThrows(IllegalStateException.class, r::acquire);
            assertTrue(late.getMessage().contains("state=RELEASED"), late.getMessage());
            assertNull(r.tryAcquire(), "a released region gives no new claim");
        }
    }

    /** The table of open regions and the kernel's locks of this process agree, file by file, both ways. */
    @Test
    void theTableIsExactlyWhatThisProcessHoldsInTheStore() throws Exception {
        List<SharedDoubleArray> kept = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                SharedDoubleArray v = Grove.share(new double[i % 2 == 0 ? LENGTH : 100]);
                if (i % 3 == 0) {
                    v.close(); // large ones become spares, small ones go
                } else {
                    kept.add(v);
                }
            }
            ArrayWriter<SharedDoubleArray> open = Grove.allocate(SharedDoubleArray.class, 64);
            try (Stream<Path> files = Files.list(StoreDir.defaultStore().directory())) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("grove_")).toList()) {
                    Region r = LocalRegions.PROCESS.table.get(f.getFileName().toString());
                    boolean locked = KernelLocks.lockedBy(PID, f);
                    assertEquals(r != null, locked, "table entry " + r + " against the kernel's lock on " + f);
                }
            }
            for (Region r : LocalRegions.PROCESS.table.values()) {
                assertTrue(KernelLocks.lockedBy(PID, r.file()), "the kernel lists a lock on every open region: " + r);
            }
            open.close();
        } finally {
            kept.forEach(SharedDoubleArray::close);
        }
    }

    /** The one region this process is writing now. */
    private static Region regionWriting() {
        List<Region> writing = LocalRegions.PROCESS.table.values().stream().filter(r -> r.state() == Region.State.WRITING).toList();
        assertEquals(1, writing.size(), writing.toString());
        return writing.getFirst();
    }
}

package dev.grove;

import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;
import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** When regions live and die, within a process and across processes. */
class LifetimeTest {

    @AfterEach
    void restoreLease() {
        System.setProperty("grove.lease.seconds", "2");
    }

    @Test
    void closingTheLastViewDeletesTheFileAndCloseIsIdempotent() {
        SharedDoubleArray v = Grove.share(new double[] {1, 2});
        Path file = RegionFiles.fileOf(v);
        SharedDoubleArray sub = Grove.map(v.path());
        v.close();
        v.close();
        assertTrue(Files.exists(file), "another view still holds it");
        assertFalse(v.isOpen());
        assertThrows(RegionReleasedException.class, () -> v.getDouble(0));
        assertThrows(RegionReleasedException.class, v::ref);
        sub.close();
        assertFalse(Files.exists(file));
        RegionNotFoundException gone = assertThrows(RegionNotFoundException.class, () -> Grove.map(v.path()));
        assertTrue(gone.getMessage().contains(v.path()), gone.getMessage());
    }

    @Test
    void garbageCollectionReleasesUnreachableViews() {
        Path file = shareAndForget();
        Await.until("the Cleaner released the region after its view became unreachable: " + file, () -> {
            System.gc();
            return !Files.exists(file);
        });
    }

    private static Path shareAndForget() {
        return RegionFiles.fileOf(Grove.share(List.of("dropped", new double[1000])));
    }

    @Test
    void useFromAnotherThreadAfterReleaseThrowsInsteadOfCrashing() throws Exception {
        SharedDoubleArray v = Grove.share(new double[1 << 16]);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            try {
                double s = 0;
                while (true) {
                    for (long i = 0; i < v.length(); i++) {
                        s += v.getDouble(i);
                    }
                    passes.incrementAndGet();
                    if (s < 0) {
                        return;
                    }
                }
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        reader.start();
        Await.until("the reader thread is reading", () -> passes.get() > 0);
        v.close();
        reader.join(Await.DEFAULT_SECONDS * 1000L);
        assertFalse(reader.isAlive(), "the reader stopped");
        assertInstanceOf(RegionReleasedException.class, seen.get());
    }

    @Test
    void regionLivesWhileAnotherProcessHoldsItThenIsDeleted() {
        List<Object> original = List.of("held elsewhere", new double[] {1, 2, 3});
        SharedList<Object> v = Grove.share(original);
        Path file = RegionFiles.fileOf(v);
        String path = v.path();
        // Digest of the original: a digest of the view would leave sub-views holding the region here.
        String digest = Child.digest(original);
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("map " + path + "[1]");
            child.expect("map ", 30);
            v.close();
            assertTrue(Files.exists(file), "the child's hold keeps the file after the creator let go");
            assertTrue(Regions.isHeld(StoreDir.defaultStore(), file.getFileName().toString()));
            Regions.sweep(StoreDir.defaultStore(), 0);
            assertTrue(Files.exists(file), "a sweep leaves held regions alone");
            child.send("map " + path);
            assertEquals(digest, child.expect("map ", 30), "still readable in full from the child");
            child.send("close-all");
            child.expect("close-all", 30);
            assertFalse(Files.exists(file), "the last holder anywhere deleted it");
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
    }

    @Test
    void anotherProcessReleasesThroughItsGarbageCollector() {
        SharedDoubleArray v = Grove.share(new double[] {1, 2});
        Path file = RegionFiles.fileOf(v);
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("map " + v.path());
            child.expect("map ", 30);
            v.close();
            assertTrue(Files.exists(file));
            child.send("forget");
            child.expect("forget", 30);
            Await.until("the child's Cleaner released its unreachable view of " + file, () -> {
                child.send("gc");
                child.expect("gc", 30);
                return !Files.exists(file);
            });
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
    }

    @Test
    void leaseKeepsAReferenceMappableAfterTheSenderLetGo() {
        System.setProperty("grove.lease.seconds", "30");
        SharedDoubleArray v = Grove.share(new double[] {4, 5, 6});
        SharedRef ref = v.ref();
        String digest = Child.digest(new double[] {4, 5, 6});
        Path file = RegionFiles.fileOf(v);
        v.close();
        assertTrue(Files.exists(file), "the lease keeps the file with no holder");
        Regions.sweep(StoreDir.defaultStore(), 0);
        assertTrue(Files.exists(file), "a sweep respects the lease");
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("ref " + ref);
            assertEquals(digest, child.expect("ref ", 30));
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
        endLeaseAndSweep(file);
    }

    @Test
    void afterTheLeaseEndsTheRegionIsGone() {
        System.setProperty("grove.lease.seconds", "0.3");
        SharedDoubleArray v = Grove.share(new double[] {7});
        SharedRef ref = v.ref();
        v.close();
        Path file = StoreDir.defaultStore().file(ref.regionName());
        Await.until("the last holder here deleted " + file + " when its lease ended", () -> !Files.exists(file));
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("ref " + ref);
            String error = child.expect("error ", 30);
            assertTrue(error.startsWith("RegionNotFoundException") && error.contains(ref.path()), error);
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void theLastHolderHereDeletesTheFileWhenTheLeaseEndsWithoutWaitingForASweep() throws Exception {
        // Leases of three seconds: long enough that a stalled test thread does not outrun them.
        System.setProperty("grove.lease.seconds", "3");
        SharedDoubleArray v = Grove.share(new double[] {8});
        v.ref();
        Path file = RegionFiles.fileOf(v);
        v.close();
        assertTrue(Files.exists(file), "leased");
        // The reminder deletes the file before it stops being pending, so a periodic sweep cannot stand in for it.
        String name = file.getFileName().toString();
        assertTrue(Regions.deletionReminderPending(name), "a reminder waits for the lease end");
        Await.until("the reminder at the lease end ran", () -> !Regions.deletionReminderPending(name));
        assertFalse(Files.exists(file), "deleted when the lease ended, without waiting for a sweep: " + file);

        // A lease moved further after the release (by another process's ref(), say) is respected. Five seconds:
        // the lease must not end before this thread has moved it.
        System.setProperty("grove.lease.seconds", "5");
        SharedDoubleArray w = Grove.share(new double[] {9});
        w.ref();
        Path other = RegionFiles.fileOf(w);
        String otherName = other.getFileName().toString();
        w.close();
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertTrue(Regions.deletionReminderPending(otherName), "a reminder waits for the first lease end");
        Await.until("the reminder at the first lease end ran", () -> !Regions.deletionReminderPending(otherName));
        assertTrue(Files.exists(other), "the longer lease still runs");
        endLeaseAndSweep(other);
    }

    @Test
    void aProcessThatExitsLeavesNoRegionWhoseLeaseHasEnded() {
        try (ChildJvm child = ChildJvm.start(List.of("-Dgrove.lease.seconds=0.05"), Child.class)) {
            child.expect("ready", 30);
            child.send("publish 1");
            SharedRef ref = SharedRef.parse(child.expect("publish ", 30));
            Path file = StoreDir.defaultStore().file(ref.regionName());
            Await.leaseEnded(file);
            child.send("exit");
            assertEquals(0, child.waitFor(30));
            assertFalse(Files.exists(file), "deleted by the child, on time or at its exit; its stderr:\n" + child.stderr());
        }
    }

    @Test
    void leasesAreMovedUnderTheStoresLeaseLockButAStuckHolderDelaysThemOnlyASecond() throws Exception {
        SharedDoubleArray warmUp = Grove.share(new double[] {1});
        SharedDoubleArray v = Grove.share(new double[] {2});
        Path warmFile = RegionFiles.fileOf(warmUp);
        Path file = RegionFiles.fileOf(v);
        try (ChildJvm child = ChildJvm.start(List.of("-Dgrove.lease.seconds=30"), Child.class)) {
            child.expect("ready", 30);
            child.send("map " + warmUp.path());
            child.expect("map ", 30);
            child.send("map " + v.path());
            child.expect("map ", 30);
            child.send("ref-of 0");
            child.expect("ref-of ", 30); // the child's lease path is warm: unhindered, it answers at once
            long before = Files.getLastModifiedTime(file).toMillis();
            Path lockFile = StoreDir.defaultStore().file(dev.grove.internal.Leases.LEASE_LOCK_FILE);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = ch.lock()) {
                child.send("ref-of 1");
                assertNull(child.poll(400), "the child's lease waits for the lock");
                assertEquals(before, Files.getLastModifiedTime(file).toMillis(), "and has not moved the time");
                // A holder that never lets go (a stopped process) delays other leases only a while (a second, in
                // Leases): the child answers while this thread still holds the lock, so it gave up waiting.
                String late = child.poll(60_000);
                assertNotNull(late, "the child gave up waiting while the lock was still held");
                assertTrue(late.startsWith("ref-of "), late);
            }
            assertTrue(Files.getLastModifiedTime(file).toMillis() >= System.currentTimeMillis() + 25_000,
                    "the 30 s lease is recorded");
            child.send("close-all");
            child.expect("close-all", 30);
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
        warmUp.close();
        v.close();
        endLeaseAndSweep(file);
        endLeaseAndSweep(warmFile);
    }

    private static void endLeaseAndSweep(Path file) {
        try {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(Regions.sweep(StoreDir.defaultStore(), 0).contains(file.getFileName().toString()));
        assertFalse(Files.exists(file));
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

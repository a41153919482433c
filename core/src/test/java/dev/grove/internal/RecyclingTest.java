package dev.grove.internal;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.RegionNotFoundException;
import dev.grove.SharedByteArray;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedRef;
import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Released regions kept as spares (see {@link Spares}): reused safely, never taken from another holder, bounded. */
class RecyclingTest {
    /** 2 MiB of doubles: above the size from which regions are recycled. */
    private static final int N = 1 << 18;

    @AfterEach
    void restore() {
        System.clearProperty("grove.recycle.bytes");
        System.clearProperty("grove.recycle.seconds");
        System.setProperty("grove.lease.seconds", "2");
        Mapping.dropSpares(StoreDir.defaultStore());
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }

    private static double[] filled(double v) {
        double[] d = new double[N];
        Arrays.fill(d, v);
        return d;
    }

    private static List<String> spares() {
        LocalRegions.PROCESS.lock.lock();
        try {
            return LocalRegions.PROCESS.spares.names();
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    private static Object inode(Path file) throws Exception {
        return Files.getAttribute(file, "unix:ino");
    }

    @Test
    void aClosedRegionIsReusedUnderANewNameAndTheOldNameIsGone() throws Exception {
        SharedDoubleArray first = Grove.share(filled(1));
        System.setProperty("grove.lease.seconds", "0");
        SharedRef oldRef = first.ref();
        Path oldFile = RegionFiles.fileOf(first);
        Object oldInode = inode(oldFile);
        first.close();
        // ref() leased the region for 0 s: nothing protects it, so it becomes a spare.
        List<String> spares = spares();
        assertEquals(1, spares.size(), "the released region is kept as a spare");
        assertFalse(Files.exists(oldFile), "the old name is gone at once");
        Path spareFile = StoreDir.defaultStore().file(spares.get(0));
        assertEquals(oldInode, inode(spareFile));
        assertEquals("spare", Inspector.list(StoreDir.defaultStore()).stream()
                .filter(e -> e.name().equals(spares.get(0))).findFirst().orElseThrow().state());
        assertThrows(RegionNotFoundException.class, () -> Grove.map(oldRef));
        assertThrows(RegionNotFoundException.class, () -> Grove.map("/" + spares.get(0)),
                "a spare is unsealed: no reader accepts it");

        try (SharedDoubleArray second = Grove.share(filled(2))) {
            assertEquals(List.of(), spares(), "the spare was taken");
            assertEquals(oldInode, inode(RegionFiles.fileOf(second)), "the same file, under a new name");
            assertNotEquals(oldRef.regionId(), second.ref().regionId());
            assertTrue(second.doubleStream().allMatch(x -> x == 2), "none of the old contents shows");
            Grove.verify(second.path());
        }
    }

    @Test
    void aSmallerRegionTakesTheSpareAndTheFileShrinksToFit() throws Exception {
        Grove.share(filled(1)).close();
        assertEquals(1, spares().size());
        double[] smaller = new double[N * 3 / 4];
        Arrays.fill(smaller, 7);
        try (SharedDoubleArray v = Grove.share(smaller)) {
            assertEquals(List.of(), spares());
            Path file = RegionFiles.fileOf(v);
            assertEquals(Files.size(file), v.segment().byteSize() + Format.HEADER_SIZE + Format.NODE_HEADER);
            assertTrue(v.doubleStream().allMatch(x -> x == 7));
            Grove.verify(v.path());
        }
        assertEquals(1, spares().size(), "and is kept again");
        try (SharedDoubleArray tiny = Grove.share(new double[N / 4])) {
            assertEquals(1, spares().size(), "a spare more than twice too large is left for a better fit");
            assertEquals(N / 4, tiny.length());
        }
    }

    @Test
    void anAllocatedArrayOnARecycledRegionStartsZeroed() {
        byte[] ones = new byte[N * 8];
        Arrays.fill(ones, (byte) -1);
        Grove.share(ones).close();
        assertEquals(1, spares().size());
        try (ArrayWriter<SharedByteArray> w = Grove.allocate(SharedByteArray.class, N * 8L - 4096)) {
            assertEquals(List.of(), spares(), "the writer got the spare");
            MemorySegment s = w.segment();
            assertEquals(-1, s.mismatch(MemorySegment.ofArray(new byte[(int) s.byteSize()])),
                    "every byte reads zero");
            s.set(ValueLayout.JAVA_BYTE, 5, (byte) 9);
            try (SharedByteArray b = w.seal()) {
                assertEquals(9, b.getByte(5));
                assertEquals(0, b.getByte(6));
            }
        }
    }

    /**
     * {@code allocateForOverwrite} skips the zeroing (the writer writes every element), but what lies outside
     * the elements is still written: the region file, read from the kernel's side, holds no byte of the spare
     * it was made from past the elements, and a region allocated the usual way still starts zeroed.
     */
    @Test
    void anArrayAllocatedForOverwriteStillGetsItsPaddingZeroed() throws Exception {
        byte[] ones = new byte[N * 8];
        Arrays.fill(ones, (byte) -1);
        Grove.share(ones).close();
        assertEquals(1, spares().size());
        long length = N * 8L - 4093; // not a multiple of 8: the node ends in padding
        try (ArrayWriter<SharedByteArray> w = Grove.allocateForOverwrite(SharedByteArray.class, length)) {
            assertEquals(List.of(), spares(), "the writer got the spare");
            w.segment().fill((byte) 3);
            try (SharedByteArray b = w.seal()) {
                byte[] file = Files.readAllBytes(RegionFiles.fileOf(b));
                int elementsEnd = Format.HEADER_SIZE + Format.NODE_HEADER + (int) length;
                assertEquals(elementsEnd + (8 - length % 8) % 8, file.length, "one node, its elements padded to 8 bytes");
                for (int i = elementsEnd; i < file.length; i++) {
                    assertEquals(0, file[i], "padding byte " + i + " of " + file.length);
                }
                assertEquals(3, file[elementsEnd - 1]);
                Grove.verify(b.path());
            }
        }
    }

    @Test
    void aLeasedRegionIsNotRecycled() {
        System.setProperty("grove.lease.seconds", "30");
        SharedDoubleArray v = Grove.share(filled(3));
        SharedRef ref = v.ref();
        Path file = RegionFiles.fileOf(v);
        v.close();
        assertEquals(List.of(), spares(), "a lease promises the region to a mapper yet to come");
        try (SharedDoubleArray again = Grove.map(ref, SharedDoubleArray.class)) {
            assertTrue(again.doubleStream().allMatch(x -> x == 3));
        }
        assertEquals(List.of(), spares(), "a reader's read-only mapping is never recycled");
        assertTrue(Files.exists(file), "still leased");
        RegionFiles.delete(file.getFileName().toString());
    }

    @Test
    void aRegionAnotherProcessMapsIsNeverRecycled() {
        double[] original = filled(4);
        SharedDoubleArray v = Grove.share(original);
        Path file = RegionFiles.fileOf(v);
        String path = v.path();
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("map " + path);
            String digest = child.expect("map ", 30);
            assertEquals(Child.digest(original), digest);
            v.close();
            assertEquals(List.of(), spares(), "the child holds it");
            assertTrue(Files.exists(file));
            try (SharedDoubleArray other = Grove.share(filled(5))) {
                assertNotEquals(file, RegionFiles.fileOf(other));
                child.send("read");
                assertEquals(digest, child.expect("read ", 30), "the child's region is untouched");
            }
            child.send("close-all");
            child.expect("close-all", 30);
            assertFalse(Files.exists(file), "the last holder deleted it");
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
    }

    @Test
    void idleSparesAreDeleted() {
        System.setProperty("grove.recycle.seconds", "0.2");
        Grove.share(filled(1)).close();
        List<String> spares = spares();
        assertEquals(1, spares.size());
        Path file = StoreDir.defaultStore().file(spares.get(0));
        Await.until("the idle spare " + file + " was deleted after its idle time", () -> !Files.exists(file));
        assertEquals(List.of(), spares());
    }

    @Test
    void theBudgetBoundsWhatIsKept() {
        long size = 8L * N + Format.HEADER_SIZE + Format.NODE_HEADER;
        System.setProperty("grove.recycle.bytes", String.valueOf(size + size / 2));
        SharedDoubleArray a = Grove.share(filled(1));
        SharedDoubleArray b = Grove.share(filled(2));
        a.close();
        b.close();
        assertEquals(1, spares().size(), "room for one only; the older was deleted");
        assertTrue(LocalRegions.PROCESS.spares.bytes() <= size + size / 2);
        System.setProperty("grove.recycle.bytes", "0");
        Mapping.dropSpares(StoreDir.defaultStore());
        Grove.share(filled(1)).close();
        assertEquals(List.of(), spares(), "0 turns recycling off");
    }

    @Test
    void sparesOfAKilledProcessAreSweptAfterTheGracePeriodAndAtExitNoneRemain() throws Exception {
        StoreDir store = StoreDir.defaultStore();
        String spare;
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            List<String> childs = shareAndCloseIn(child);
            assertEquals(1, childs.size(), "the child keeps one spare: " + childs);
            spare = childs.get(0);
            assertTrue(Mapping.isHeld(store, spare));
            Deletion.sweep(store, 0);
            assertTrue(Files.exists(store.file(spare)), "a live process's spare is left alone");
            child.kill();
        }
        assertFalse(Mapping.isHeld(store, spare), "the kernel dropped the dead child's lock");
        Deletion.sweep(store, Deletion.DEFAULT_GRACE_MILLIS);
        assertTrue(Files.exists(store.file(spare)), "unsealed files get a grace period");
        assertEquals(List.of(spare), Deletion.sweep(store, 0), "then the sweep deletes it");

        try (ChildJvm child = ChildJvm.start(Child.class)) {
            assertEquals(1, shareAndCloseIn(child).size());
            child.send("exit");
            assertEquals(0, child.waitFor(30));
            assertEquals(List.of(), filesOf(child), "a normal exit deletes the spares");
        }
    }

    /** Has a new child share a region large enough to be kept and close it; returns the child's files. */
    private static List<String> shareAndCloseIn(ChildJvm child) {
        child.expect("ready", 30);
        child.send("share " + N);
        child.expect("share ", 30);
        child.send("close-all");
        child.expect("close-all", 30);
        return filesOf(child);
    }

    /** Region files named after the child's pid: the ones it created (spares included). */
    private static List<String> filesOf(ChildJvm child) {
        String pid = "_" + Long.toHexString(child.pid()) + "_";
        return StoreDir.defaultStore().regionNames().stream().filter(n -> n.contains(pid)).toList();
    }

    @Test
    void threadsSharingAndClosingAtOnceEachSeeTheirOwnContents() throws Exception {
        int threads = 4;
        int rounds = 150;
        long reusedBefore = LocalRegions.PROCESS.spares.reused();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    java.util.Random random = new java.util.Random(id);
                    for (int k = 0; k < rounds; k++) {
                        double value = id * 1_000_000 + k;
                        // 1 to 3 MiB: sizes that fit each other's spares, and some that do not.
                        double[] d = new double[(1 << 17) + random.nextInt(1 << 18)];
                        Arrays.fill(d, value);
                        try (SharedDoubleArray v = Grove.share(d);
                             SharedDoubleArray again = Grove.map(v.path(), SharedDoubleArray.class)) {
                            assertEquals(d.length, again.length());
                            assertTrue(again.doubleStream().allMatch(x -> x == value), "thread " + id + " round " + k);
                        }
                    }
                    return rounds;
                }));
            }
            for (var r : results) {
                assertEquals(rounds, r.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertTrue(LocalRegions.PROCESS.spares.reused() > reusedBefore, "some regions were made from spares");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void mappersRacingTheCreatorsCloseSeeTheWholeRegionOrNothing() {
        int rounds = 300;
        int mapped = 0;
        int gone = 0;
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("recycle " + rounds);
            // Each view is checked again once the child has reported its next round: it went on meanwhile.
            SharedDoubleArray previous = null;
            double previousK = 0;
            for (String line = child.receive(30); ; line = child.receive(30)) {
                if (previous != null) {
                    try (SharedDoubleArray v = previous) {
                        double k = previousK;
                        assertTrue(v.doubleStream().allMatch(x -> x == k), "round " + k + " while the child went on");
                    }
                    previous = null;
                }
                if (line.equals("recycle done")) {
                    break;
                }
                String[] w = line.split(" ");
                double k = Double.parseDouble(w[2]);
                try {
                    previous = Grove.map(w[1], SharedDoubleArray.class);
                    assertTrue(previous.doubleStream().allMatch(x -> x == k), "round " + k + " right after mapping");
                    previousK = k;
                    mapped++;
                } catch (RegionNotFoundException e) {
                    gone++;
                }
            }
            assertEquals(rounds, mapped + gone);
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
        System.out.println("racing mappers: mapped " + mapped + ", gone before mapping " + gone);
    }
}

package dev.grove;

import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Regions on disk and the mapping modes (exm's feature set): arrays larger than the heap built in chunks and
 * read from other JVMs, copy-on-write and duplicate images, access hints, and placement by size. What is
 * promised about memory is checked in {@code /proc/self/smaps}, for the mapping itself.
 */
class OutOfCoreTest {
    private static final Path DISK = Path.of("target", "disk-store-" + ProcessHandle.current().pid()).toAbsolutePath();

    @AfterAll
    static void cleanUp() throws IOException {
        Leaks.assertNoRegionsLeft(30);
        if (Files.exists(DISK)) {
            assertEquals(List.of(), RegionStore.open(DISK).awaitEmpty(Duration.ofSeconds(120)), "regions left on disk");
            try (Stream<Path> all = Files.walk(DISK)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The acceptance case: 64 MB heaps, a 2 GiB array built on disk by one JVM and summed by another. */
    @Test
    void jvmsWithSmallHeapsBuildAndReadAnArrayOnDiskLargerThanTheirHeaps() {
        long n = Long.getLong("grove.test.diskLength", 1L << 28); // 2 GiB of doubles
        List<String> small = List.of("-Xmx64m");
        try (ChildJvm builder = ChildJvm.start(small, Child.class); ChildJvm reader = ChildJvm.start(small, Child.class)) {
            builder.expect("ready", 60);
            reader.expect("ready", 60);
            builder.send("build-disk " + DISK + " " + n);
            String ref = builder.expect("build-disk ", 600);
            assertTrue(Files.exists(DISK.resolve(SharedRef.parse(ref).regionName())), "the region is a file on disk");
            reader.send("sum " + ref);
            long q = n / 1000;
            long r = n % 1000;
            double expected = q * 499_500.0 + r * (r - 1) / 2.0;
            assertEquals(expected, Double.parseDouble(reader.expect("sum ", 600)), "the reader's sum of every element");
            builder.send("close-all");
            builder.expect("close-all", 60);
            reader.send("close-all");
            reader.expect("close-all", 60);
        }
    }

    /** PRIVATE: writes stay with the writer; the file and another process see none; only touched pages cost. */
    @Test
    void aPrivateMappingsWritesAreItsOwnAndCostOnlyTheTouchedPages() throws Exception {
        double[] data = new double[1 << 20]; // 8 MiB, 2048 pages
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        try (SharedDoubleArray shared = Grove.share(data); ChildJvm other = ChildJvm.start(Child.class)) {
            other.expect("ready", 60);
            SharedRef ref = shared.ref();
            Path file = RegionStore.defaultStore().file(shared.path());
            byte[] fileBefore = Files.readAllBytes(file);
            try (PrivateMapping pm = RegionStore.defaultStore().mapPrivate(ref)) {
                assertEquals(MapMode.PRIVATE, pm.mode());
                assertEquals(double.class, pm.elementType());
                MemorySegment seg = pm.segment();
                long before = Smaps.privateDirtyKb(seg);
                int pages = 64;
                for (int p = 0; p < pages; p++) {
                    seg.setAtIndex(ValueLayout.JAVA_DOUBLE, p * 512L, -1.0); // one double per 4 KiB page
                }
                long grown = Smaps.privateDirtyKb(seg) - before;
                assertTrue(grown >= pages * 4L && grown <= pages * 4L + 64,
                        "Private_Dirty grew by " + grown + " kB for " + pages + " pages written (region 8 MiB)");
                assertEquals(-1.0, seg.getAtIndex(ValueLayout.JAVA_DOUBLE, 512L), "the writer sees its write");
                assertEquals(512.0, shared.getDouble(512), "the shared view does not");
                assertArrayEquals(fileBefore, Files.readAllBytes(file), "the file's bytes are unchanged");
                other.send("ref " + ref);
                assertEquals(Child.digest(data), other.expect("ref ", 60), "another process reads the original");
            }
            other.send("close-all");
            other.expect("close-all", 60);
        }
    }

    /** DUPLICATE: a private copy that lives on after the region's file is deleted. */
    @Test
    void aDuplicateSurvivesTheDeletionOfItsFile() {
        PrivateMapping dup;
        Path file;
        try (SharedLongArray shared = Grove.share(new long[] {5, 6, 7})) {
            file = RegionStore.defaultStore().file(shared.path());
            dup = RegionStore.defaultStore().duplicate(shared.ref());
        }
        try (dup) {
            assertTrue(RegionStore.defaultStore().delete("/" + file.getFileName()), "nobody holds the region now");
            assertFalse(Files.exists(file));
            assertEquals(MapMode.DUPLICATE, dup.mode());
            assertEquals(7L, dup.segment().getAtIndex(ValueLayout.JAVA_LONG, 2));
            dup.segment().setAtIndex(ValueLayout.JAVA_LONG, 2, 70L);
            assertEquals(70L, dup.segment().getAtIndex(ValueLayout.JAVA_LONG, 2));
        }
    }

    /** Hints reach the kernel: DONT_NEED empties the mapping's resident set, POPULATE_READ fills it. */
    @Test
    void accessHintsChangeWhatTheKernelKeepsMapped() throws Exception {
        try (SharedByteArray shared = Grove.share(new byte[8 << 20]); SharedByteArray view = Grove.map(shared.path())) {
            MemorySegment seg = view.segment();
            assertTrue(Grove.advise(view, Advice.DONT_NEED));
            long empty = Smaps.rssKb(seg);
            assertTrue(Grove.advise(view, Advice.POPULATE_READ), "Linux 5.14+ takes MADV_POPULATE_READ");
            long full = Smaps.rssKb(seg);
            assertTrue(empty < 1024, "after DONT_NEED the mapping's Rss is " + empty + " kB");
            assertTrue(full >= 8 * 1024, "after POPULATE_READ the mapping's Rss is " + full + " kB");
            assertTrue(Grove.advise(view, Advice.SEQUENTIAL) && Grove.advise(view, Advice.RANDOM)
                    && Grove.advise(view, Advice.NORMAL) && Grove.advise(view, Advice.WILL_NEED));
            assertEquals(0, view.getByte(5));
        }
    }

    /** A table built column by column in chunks of rows, without the heap, then read as an ordinary table. */
    @Test
    void aTableIsBuiltInChunksOfRowsAndSealed() {
        java.util.Map<String, Class<?>> cols = new java.util.LinkedHashMap<>();
        cols.put("time", long.class);
        cols.put("price", double.class);
        cols.put("flag", boolean.class);
        long rows = 1_000_003;
        RegionStore disk = RegionStore.open(DISK);
        try (TableWriter w = disk.allocateTable(rows, cols)) {
            assertEquals(List.of("time", "price", "flag"), w.columnNames());
            int chunk = 100_000;
            for (long at = 0; at < rows; at += chunk) {
                int n = (int) Math.min(chunk, rows - at);
                long[] t = new long[n];
                double[] p = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = 1_700_000_000_000L + at + i;
                    p[i] = (at + i) * 0.5;
                }
                w.put("time", at, t).put("price", at, p);
            }
            w.column("flag").set(ValueLayout.JAVA_BYTE, rows - 1, (byte) 1);
            assertThrows(IllegalArgumentException.class, () -> w.put("price", 0, new int[] {1}));
            assertThrows(IllegalArgumentException.class, () -> w.column("volume"));
            try (SharedTable t = w.seal()) {
                SharedLongArray time = t.column("time", SharedLongArray.class);
                SharedDoubleArray price = t.column("price", SharedDoubleArray.class);
                SharedBooleanArray flag = t.column("flag", SharedBooleanArray.class);
                assertEquals(rows, time.length());
                assertEquals(1_700_000_000_000L + rows - 1, time.getLong(rows - 1));
                assertEquals(500_000.0, price.getDouble(1_000_000));
                assertTrue(flag.getBoolean(rows - 1));
                assertFalse(flag.getBoolean(0));
                disk.verify(t.path()); // the checksum covers what was written through the columns
                assertEquals(DISK, t.ref().store().orElseThrow());
            }
        }
    }

    /** Placement by size:    /** Placement by size: at or above the threshold a region goes to the disk store, below it to shared memory. */
    @Test
    void regionsAboveTheThresholdGoToTheDiskStore() {
        System.setProperty("grove.disk.threshold", "1m");
        System.setProperty("grove.disk.dir", DISK.toString());
        try (SharedDoubleArray big = Grove.share(new double[(10 << 20) / 8]);
             SharedDoubleArray small = Grove.share(new double[(100 << 10) / 8]);
             ArrayWriter<SharedByteArray> allocated = Grove.allocate(SharedByteArray.class, 2 << 20)) {
            SharedRef bigRef = big.ref();
            assertEquals(DISK, bigRef.store().orElseThrow(), "the reference names the disk store");
            assertTrue(Files.exists(DISK.resolve(bigRef.regionName())));
            assertFalse(Files.exists(RegionStore.defaultStore().file(big.path())));
            assertTrue(Files.exists(RegionStore.defaultStore().file(small.path())), "100 KiB stays in shared memory");
            assertTrue(small.ref().store().isEmpty());
            try (SharedDoubleArray again = Grove.map(bigRef)) {
                assertEquals(0.0, again.getDouble(7));
            }
            allocated.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            try (SharedByteArray sealed = allocated.seal()) {
                assertEquals(DISK, sealed.ref().store().orElseThrow(), "allocate follows the threshold too");
            }
            System.setProperty("grove.disk.threshold", "12x");
            StoreException bad = assertThrows(StoreException.class, () -> Grove.share(new int[] {1}));
            assertTrue(bad.getMessage().contains("grove.disk.threshold=12x"), bad.getMessage());
        } finally {
            System.clearProperty("grove.disk.threshold");
            System.clearProperty("grove.disk.dir");
        }
    }

    /** The mapping behind a segment, as the kernel describes it in {@code /proc/self/smaps}. */
    static final class Smaps {
        static long privateDirtyKb(MemorySegment s) throws IOException {
            return field(s, "Private_Dirty:");
        }

        static long rssKb(MemorySegment s) throws IOException {
            return field(s, "Rss:");
        }

        private static long field(MemorySegment s, String name) throws IOException {
            long addr = s.address();
            boolean inside = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                int dash = line.indexOf('-');
                if (dash > 0 && line.indexOf(' ') > dash && isHex(line.substring(0, dash))) {
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, line.indexOf(' ')), 16);
                    inside = addr >= start && addr < end;
                } else if (inside && line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new AssertionError("no mapping in /proc/self/smaps holds address 0x" + Long.toHexString(addr));
        }

        private static boolean isHex(String s) {
            return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }
    }
}

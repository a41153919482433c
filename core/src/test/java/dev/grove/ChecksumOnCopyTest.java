package dev.grove;

import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A region's body checksum is taken while arrays are copied in ({@code share}, {@code ArrayWriter.put} in
 * order), not by reading the body again; whichever way, it must be the CRC-32C of the bytes the file holds.
 * Checked against the file read with {@code read(2)}, not through Grove's mapping, for copies below and
 * above the size from which they run on several cores.
 */
class ChecksumOnCopyTest {
    /** Above the size from which copies are cut into pieces for several cores, and not a multiple of a piece. */
    private static final int LARGE = (9 << 20) + 24;

    private static double[] doubles(int n, double seed) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = seed + i * 0.5;
        }
        return d;
    }

    private static void assertFileChecksumHolds(String path) {
        RegionFiles.assertBodyChecksumHolds(RegionStore.defaultStore().file(path));
    }

    @Test
    void sharedArraysOfEverySizeCarryTheChecksumOfTheirBytes() {
        for (int n : new int[] {0, 1, 1000, LARGE / 8}) {
            try (SharedDoubleArray v = Grove.share(doubles(n, n))) {
                assertFileChecksumHolds(v.path());
                if (n > 0) {
                    assertEquals(n + 0.5 * (n - 1), v.getDouble(n - 1));
                }
            }
        }
        byte[] odd = new byte[LARGE + 5]; // a padded tail after the elements
        odd[odd.length - 1] = 9;
        try (SharedByteArray v = Grove.share(odd)) {
            assertFileChecksumHolds(v.path());
            assertEquals(9, v.getByte(odd.length - 1));
        }
        // Several arrays and other nodes in one region: checksums of the copies joined with the bytes between.
        try (SharedMap m = Grove.share(Map.of("a", doubles(LARGE / 8, 1), "b", new int[] {1, 2, 3}, "c", "text",
                "d", new long[77]))) {
            assertFileChecksumHolds(m.path());
        }
    }

    @Test
    void putsInOrderFromTheStartAreChecksummedAsTheyAreCopied() {
        double[] whole = doubles(LARGE / 8, 3);
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, whole.length + 1000)) {
            w.put(0, java.util.Arrays.copyOfRange(whole, 0, 10));
            w.put(10, java.util.Arrays.copyOfRange(whole, 10, whole.length));
            w.put((long) whole.length * 8, MemorySegment.ofArray(doubles(500, 7)));
            w.put((long) (whole.length + 500) * 8, ByteBuffer.wrap(new byte[4000]));
            try (SharedDoubleArray v = w.seal()) {
                assertFileChecksumHolds(v.path());
                assertEquals(whole[whole.length - 1], v.getDouble(whole.length - 1));
                assertEquals(7 + 499 * 0.5, v.getDouble(whole.length + 499));
            }
        }
    }

    /**
     * Bytes written any other way after a put (through the segment, out of order, or with a gap left as the
     * zeros it was) are read again by the seal: the checksum still matches the file.
     */
    @Test
    void writesThatAreNotPutsInOrderAreReadAgainBySealing() {
        double[] half = doubles(LARGE / 16, 5);
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 2L * half.length)) {
            w.put(0, half);
            w.put(half.length, half);
            w.segment().set(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, 8, -1.0); // after the puts
            try (SharedDoubleArray v = w.seal()) {
                assertEquals(-1.0, v.getDouble(1));
                assertFileChecksumHolds(v.path());
            }
        }
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 2L * half.length)) {
            w.put(half.length, half); // second half first
            w.put(0, half);
            try (SharedDoubleArray v = w.seal()) {
                assertFileChecksumHolds(v.path());
            }
        }
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 2L * half.length + 3)) {
            w.put(0, half);
            w.put(half.length + 3, half); // three zeros left between
            try (SharedDoubleArray v = w.seal()) {
                assertEquals(0.0, v.getDouble(half.length + 1));
                assertFileChecksumHolds(v.path());
            }
        }
    }

    @Test
    void largeCopiesOutAndCopyToAreExact() {
        double[] d = doubles(LARGE / 8, 11);
        try (SharedDoubleArray v = Grove.share(d)) {
            assertArrayEquals(d, v.toDoubleArray());
        }
        byte[] b = new byte[LARGE + 3];
        new java.util.SplittableRandom(7).nextBytes(b);
        try (SharedByteArray v = Grove.share(b)) {
            long[] longs = new long[(LARGE - 16) / 8];
            v.copyTo(16, MemorySegment.ofArray(longs));
            ByteBuffer expected = ByteBuffer.wrap(b, 16, longs.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < longs.length; i++) {
                assertEquals(expected.getLong(), longs[i], "long " + i);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> v.copyTo(8, MemorySegment.ofArray(new byte[LARGE])));
            assertThrows(IndexOutOfBoundsException.class, () -> v.copyTo(-1, MemorySegment.ofArray(new byte[1])));
            v.close();
            assertThrows(RegionReleasedException.class, () -> v.copyTo(0, MemorySegment.ofArray(new byte[1])));
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(20);
    }
}

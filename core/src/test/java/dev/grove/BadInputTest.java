package dev.grove;

import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static dev.grove.test.RegionFiles.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every kind of bad input named in the format's contract gets a {@link GroveException} subclass naming
 * the path and the offending values: never a crash, an out-of-bounds read or an unrelated exception.
 */
class BadInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "/", "/x[", "/x[-1]", "/x[1", "/x[a]", "/x]", "/x[1]junk", "/../etc",
            "/x[99999999999999999999]", "/x[ 1]", "/x/y", "/x[1][", "//x", "/x[01]", "/x[00]"})
    void malformedPathsAreRejected(String path) {
        InvalidPathException e = assertThrows(InvalidPathException.class, () -> Grove.map(path));
        assertTrue(e.getMessage().contains("path=" + path), e.getMessage());
    }

    @Test
    void pathsThatLeadNowhere() {
        try (SharedList<Object> v = Grove.share(List.of(1, "s", new double[] {1}, List.of()))) {
            String p = v.path();
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p + "[99]")), p + "[99]", "length=4");
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p + "[0][0]")), p + "[0][0]", "type=int");
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p + "[1][0]")), p + "[1][0]", "type=string");
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p + "[2][0]")), p + "[2][0]", "type=double[]");
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p + "[3][0]")), p + "[3][0]", "length=0");
            assertMessage(assertThrows(InvalidPathException.class, () -> Grove.map(p, SharedMap.class)), p, "expected=SharedMap");
        }
    }

    @Test
    void missingRegion() {
        RegionNotFoundException e = assertThrows(RegionNotFoundException.class, () -> Grove.map("/grove_0_0000000000000000"));
        assertTrue(e.getMessage().contains("region=/grove_0_0000000000000000"), e.getMessage());
    }

    @Test
    void foreignEmptyAndTinyFiles() {
        expectCorrupt("hello, I am not a region, but I am long enough to hold a header of 64 bytes....."
                .getBytes(StandardCharsets.US_ASCII), "wrong magic");
        expectCorrupt(new byte[0], "too small");
        expectCorrupt(new byte[10], "too small");
    }

    @Test
    void wrongVersion() {
        corruptAndExpect(b -> b[8] = 9, "version=9");
    }

    @Test
    void headerChecksum() {
        corruptAndExpect(b -> b[24] ^= 1, "header checksum");
    }

    @Test
    void truncatedRegion() {
        byte[] good = validRegion();
        expectCorrupt(Arrays.copyOf(good, good.length - 8), "truncated");
        expectCorrupt(Arrays.copyOf(good, 64), "truncated");
    }

    @Test
    void rootOutsideTheRegion() {
        corruptAndExpect(b -> {
            putU64(b, 32, 1L << 40);
            fixHeaderCrc(b);
        }, "root=" + (1L << 40));
        corruptAndExpect(b -> {
            putU64(b, 32, 65);
            fixHeaderCrc(b);
        }, "root=65");
    }

    @Test
    void unsealedRegionIsNotReadable() {
        byte[] b = validRegion();
        b[11] = 0;
        fixHeaderCrc(b);
        String name = write(b);
        try {
            RegionNotFoundException e = assertThrows(RegionNotFoundException.class, () -> Grove.map("/" + name));
            assertMessage(e, "/" + name, "not sealed");
        } finally {
            delete(name);
        }
    }

    @Test
    void childOffsetsAndLengthsOutsideTheRegion() {
        // Root is a list (mixed types): its payload is count, then one offset per child.
        corruptAndExpectOnRead(b -> putU64(b, listChildSlot(b, 0), 1L << 50), "offset=" + (1L << 50));
        corruptAndExpectOnRead(b -> putU64(b, listChildSlot(b, 0), u64(b, 32)), "limit=");
        corruptAndExpectOnRead(b -> putU64(b, listChildSlot(b, 0), 8), "offset=8");
        corruptAndExpectOnRead(b -> putU64(b, (int) u64(b, listChildSlot(b, 1)) + 8, 1L << 40), "length=" + (1L << 40));
        corruptAndExpectOnRead(b -> putU32(b, (int) u64(b, listChildSlot(b, 1)), 77), "tag=77");
        corruptAndExpectOnRead(b -> putU64(b, (int) u64(b, 32) + 16, 1000), "count=1000");
    }

    /**
     * Children shared between parents form a DAG whose paths grow exponentially with depth (24 levels in about
     * a kilobyte made {@code hashCode()} run for a minute). The format forbids them and readers reject them at
     * once.
     */
    @Test
    void sharedChildrenAreRejectedBeforeAnyTraversalExplodes() {
        Object chain = List.of();
        for (int level = 0; level < 24; level++) {
            chain = Arrays.asList(chain, null);
        }
        byte[] b;
        try (SharedList<?> v = Grove.share((List<?>) chain)) {
            b = bytesOf(v);
        }
        // Point every level's second slot at its first child: a list of 2^24 paths in the same bytes.
        long node = u64(b, 32);
        for (int level = 0; level < 24; level++) {
            long first = u64(b, (int) node + 24);
            putU64(b, (int) node + 32, first);
            node = first;
        }
        String name = write(b);
        try (SharedList<?> v = Grove.map("/" + name)) {
            RegionCorruptException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> assertThrows(RegionCorruptException.class, v::hashCode));
            assertMessage(e, "/" + name, "shared with or before an earlier sibling");
        } finally {
            delete(name);
        }
        // Children out of order are the same damage seen from the other side.
        corruptAndExpectOnRead(b2 -> {
            long s0 = u64(b2, listChildSlot(b2, 1));
            putU64(b2, listChildSlot(b2, 1), u64(b2, listChildSlot(b2, 2)));
            putU64(b2, listChildSlot(b2, 2), s0);
        }, "low=");
    }

    /** A table's column names must be present and distinct, or the view (and a copy of it) would be wrong. */
    @Test
    void tableColumnNamesMustBeDistinctAndNotNull() {
        Table t = Table.builder().column("colAAA", new double[] {1, 2}).column("colBBB", new double[] {3, 4}).build();
        byte[] good;
        try (SharedTable v = Grove.share(t)) {
            good = bytesOf(v);
        }
        byte[] dup = good.clone();
        int at = dev.grove.test.Bytes.indexOf(dup, "colBBB".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy("colAAA".getBytes(StandardCharsets.US_ASCII), 0, dup, at, 6);
        expectCorrupt(dup, "duplicate column name");
        byte[] nul = good.clone();
        int names = (int) u64(nul, (int) u64(nul, 32) + 16 + 16);
        // Entry 1 marked null; a null takes no bytes, so it starts where the next string does.
        putU64(nul, names + 16 + 16, u64(nul, names + 16 + 24) | Long.MIN_VALUE);
        expectCorrupt(nul, "null column name");
    }

    /** A region file cut short by someone else while mapped: bulk reads and verify fail as corrupt; nothing crashes. */
    @Test
    void aFileTruncatedUnderItsMappingReadsAsCorrupt() throws Exception {
        try (SharedDoubleArray v = Grove.share(new double[1 << 17])) {
            java.nio.file.Path file = dev.grove.test.RegionFiles.fileOf(v);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            RegionCorruptException bulk = assertThrows(RegionCorruptException.class, v::toDoubleArray);
            assertMessage(bulk, v.path(), "truncated");
            // One element read past the end: the JVM reports the fault as an InternalError, possibly after the
            // view's own frame has returned (so the view cannot always translate it); never a crash.
            Throwable one = assertThrows(Throwable.class, () -> v.getDouble((1 << 17) - 1));
            assertTrue(one instanceof RegionCorruptException || one instanceof InternalError, one.toString());
            RegionCorruptException verify = assertThrows(RegionCorruptException.class, () -> Grove.verify(v.path()));
            assertMessage(verify, v.path().substring(1), "truncated");
        }
    }

    private static int listChildSlot(byte[] b, int child) {
        return (int) u64(b, 32) + 16 + 8 + 8 * child;
    }

    /** A region whose root is a mixed list: [int, double[], string array, map]. */
    private static byte[] validRegion() {
        try (SharedList<Object> v = Grove.share(List.of(7, new double[] {1, 2, 3}, List.of("a", "b"),
                java.util.Map.of("k", 1)))) {
            return bytesOf(v);
        }
    }

    private static void corruptAndExpect(Consumer<byte[]> damage, String fact) {
        byte[] b = validRegion();
        damage.accept(b);
        expectCorrupt(b, fact);
    }

    /** Mapping the region {@code bytes} fails as corrupt, naming the path and {@code fact}. */
    static void expectCorrupt(byte[] bytes, String fact) {
        String name = write(bytes);
        try {
            RegionCorruptException e = assertThrows(RegionCorruptException.class, () -> Grove.map("/" + name));
            assertMessage(e, "/" + name, fact);
        } finally {
            delete(name);
        }
    }

    /** The header is intact, so mapping works; reading every element must hit the damage. */
    private static void corruptAndExpectOnRead(Consumer<byte[]> damage, String fact) {
        byte[] b = validRegion();
        damage.accept(b);
        String name = write(b);
        try {
            RegionCorruptException e = assertThrows(RegionCorruptException.class, () -> {
                try (SharedList<?> v = Grove.map("/" + name)) {
                    for (int i = 0; i < v.size(); i++) {
                        dev.grove.test.Graphs.canon(v.get(i));
                    }
                }
            });
            assertMessage(e, "/" + name, fact);
        } finally {
            Leaks.sleep(0);
            delete(name);
        }
    }

    static void assertMessage(GroveException e, String path, String fact) {
        assertTrue(e.getMessage().contains(path), "message names the path " + path + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(fact), "message says " + fact + ": " + e.getMessage());
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

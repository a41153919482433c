package dev.grove;

import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.grove.test.RegionFiles.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The reader enforces each rule docs/FORMAT.md states for readers, one region at a time: a valid region
 * from {@code share}, one rule broken in its bytes, and the reader refuses it with a
 * {@link RegionCorruptException} naming the path and the rule (at mapping, or where the rule says, on read).
 */
class FormatRulesTest {

    @Test
    void headerFlagsReservedFieldAndSizeAreChecked() {
        byte[] good = region(new double[] {1, 2});
        expectOnMap(edit(good, b -> b[11] |= 2), "sealed region marked writable"); // WRITABLE only before sealing
        expectOnMap(edit(good, b -> b[11] |= (byte) 0x80), "reserved header flags");
        expectOnMap(edit(good, b -> putU32(b, 56, 1)), "reserved header field is not 0");
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        putU64(longer, 16, longer.length);
        fixHeaderCrc(longer);
        expectOnMap(longer, "not a multiple of 8");
    }

    @Test
    void auxBitsMustBeKnown() {
        expectOnMap(edit(region(List.of(1, "a")), b -> putU32(b, root(b) + 4, 1)), "unknown aux bits set");
        expectOnMap(edit(region(new double[] {1}), b -> putU32(b, root(b) + 4, 2)), "unknown aux bits set");
        // A matrix's aux names its element type: 0 is double, 1-7 the other types, 8 (double's own tag) is not.
        byte[] matrix = region(new double[][] {{1}});
        expectOnMap(edit(matrix, b -> putU32(b, root(b) + 4, 8)), "unknown matrix element type");
        expectOnMap(edit(matrix, b -> putU32(b, root(b) + 4, 9)), "unknown matrix element type");
    }

    @Test
    void scalarsAreZeroPaddedAndBooleansZeroOrOne() {
        expectOnMap(edit(region(5), b -> b[root(b) + 16 + 4] = 1), "scalar padding is not zero");
        expectOnMap(edit(region(true), b -> b[root(b) + 16] = 2), "boolean that is neither 0 nor 1");
        expectOnMap(edit(region((byte) -1), b -> b[root(b) + 16 + 1] = 1), "scalar padding is not zero");
    }

    @Test
    void paddingAfterANodeIsZero() {
        expectOnMap(edit(region("abc"), b -> b[root(b) + 16 + 3] = 1), "padding after a node is not zero");
    }

    @Test
    void booleanArrayElementsAreZeroOrOneWhenRead() {
        byte[] bad = edit(region(new boolean[] {true, false}), b -> b[root(b) + 16 + 1] = 7);
        expectOnRead(bad, v -> ((SharedBooleanArray) v).getBoolean(1), "boolean that is neither 0 nor 1");
        expectOnRead(bad, v -> ((SharedBooleanArray) v).toBooleanArray(), "boolean that is neither 0 nor 1");
        expectOnRead(edit(region(new boolean[][] {{true, false}}), b -> b[root(b) + 16 + 16] = 3),
                v -> ((SharedMatrix) v).toArray(), "boolean that is neither 0 nor 1");
    }

    @Test
    void stringArraysStartAtZeroAndNullsTakeNoBytes() {
        // Entries of {"ab", null, "c"}: 0, 2|null, 2, 3 (relative to the byte area).
        byte[] strings = region(new String[] {"ab", null, "c"});
        expectOnMap(edit(strings, b -> putU64(b, root(b) + 16 + 8, 1)), "first string does not start at 0");
        byte[] nullWithBytes = edit(strings, b -> putU64(b, root(b) + 16 + 8 + 8, 1 | Long.MIN_VALUE));
        expectOnRead(nullWithBytes, dev.grove.test.Graphs::canon, "null string that takes bytes");
    }

    @Test
    void tableColumnsAreNeverNull() {
        byte[] table = region(Table.builder().column("a", new double[] {1}).build());
        expectOnRead(edit(table, b -> putU64(b, root(b) + 16 + 24, 0)), v -> ((SharedTable) v).column(0),
                "null table column");
    }

    @Test
    void aMapIndexMustMatchItsKeys() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", 2);
        byte[] map = region(m);
        expectOnRead(edit(map, b -> putU32(b, slotHolding(b, 1), 0)), v -> ((SharedMap<?>) v).get("a"),
                "map index misses entries");
        expectOnRead(edit(map, b -> putU32(b, emptySlot(b, -1), 2)), v -> ((SharedMap<?>) v).get("a"),
                "map index holds an entry twice");
        expectOnRead(edit(map, b -> {
            int at = dev.grove.test.Bytes.indexOf(b, "ab".getBytes(StandardCharsets.US_ASCII)); // the keys' bytes
            b[at + 1] = 'a';
        }), v -> ((SharedMap<?>) v).get("a"), "duplicate map key");
        expectOnRead(edit(map, b -> {
            // Entry 0 ("a", inserted first) sits in its home slot; move it to another empty slot, leaving the
            // home slot empty: probing from the home slot then stops before reaching it.
            long home = dev.grove.internal.Hashing.fnv1a("a".getBytes(StandardCharsets.US_ASCII)) & (slots(b) - 1);
            int from = slotHolding(b, 0);
            assertEquals(slotAt(b, home), from, "the first key sits in its home slot");
            putU32(b, from, 0);
            putU32(b, emptySlot(b, home), 1);
        }), v -> ((SharedMap<?>) v).get("a"), "not reachable from its key's home slot");
    }

    /** Rule: entry[0] with bit 63 cleared is 0; a null first string is written 0x8000000000000000 and read back. */
    @Test
    void aNullFirstStringIsEntryZeroWithTheNullBit() {
        byte[] b = region(new String[] {null, "a"});
        assertEquals(Long.MIN_VALUE, u64(b, root(b) + 16 + 8), "entry[0] of {null, \"a\"}");
        String name = write(b);
        try (StringList back = Grove.map("/" + name)) {
            assertEquals(Arrays.asList(null, "a"), back);
        } finally {
            delete(name);
        }
    }

    /** Rule: a sealed region's id is not 0 (0 marks a spare). */
    @Test
    void aSealedRegionWithIdZeroIsRefused() {
        expectOnMap(edit(region(new double[] {1}), b -> putU64(b, 24, 0)), "sealed region with region id 0");
    }

    /** Rule: the body checksum is not checked on map, only by an explicit verification. */
    @Test
    void theBodyChecksumIsCheckedByVerifyNotByMap() {
        byte[] bad = edit(region(new double[] {1, 2}), b -> b[root(b) + 16 + 8] ^= 1); // a bit of element 1
        String name = write(bad);
        try {
            try (SharedDoubleArray v = Grove.map("/" + name)) {
                assertEquals(1.0, v.getDouble(0), "mapped and read without reading the whole body");
            }
            RegionCorruptException e = assertThrows(RegionCorruptException.class, () -> Grove.verify("/" + name));
            BadInputTest.assertMessage(e, "/" + name, "checksum");
        } finally {
            delete(name);
        }
    }

    /** Rule: a node's padded end is at most its parent's offset. */
    @Test
    void aChildThatRunsIntoItsParentIsRefused() {
        byte[] list = region(List.of(new double[] {1}, "x"));
        expectOnRead(edit(list, b -> {
            int last = (int) u64(b, root(b) + 16 + 8 + 8); // child 1, the string, right below the list
            putU64(b, last + 8, u64(b, last + 8) + 8);
        }), v -> ((SharedList<?>) v).get(1), "node overlaps the node that contains it");
    }

    /** Rule: a child's subtree starts after the padded end of the nearest earlier non-null sibling. */
    @Test
    void aSiblingThatOverlapsTheNextIsRefused() {
        byte[] list = region(List.of(new double[] {1}, new double[] {2}));
        expectOnRead(edit(list, b -> {
            int first = (int) u64(b, root(b) + 16 + 8);
            putU64(b, first + 8, 16); // two elements: its payload now runs over child 1's node header
        }), v -> ((SharedList<?>) v).get(1), "node shared with or before an earlier sibling's subtree");
    }

    /** Rule: a table with no columns has no rows. */
    @Test
    void aTableWithNoColumnsHasNoRows() {
        byte[] empty = region(Table.builder().build());
        assertEquals(0, u64(empty, root(empty) + 16), "rows of a table with no columns");
        expectOnMap(edit(empty, b -> putU64(b, root(b) + 16, 5)), "table with no columns has rows");
    }

    /** Rule: map keys and column names are well-formed under either aux value, and distinct as stored bytes. */
    @Test
    void keysAndColumnNamesAreWellFormedAndDistinctAsBytes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", 2);
        expectOnRead(edit(region(m), b -> b[dev.grove.test.Bytes.indexOf(b, "ab".getBytes(StandardCharsets.US_ASCII)) + 1]
                = (byte) 0xFF), v -> ((SharedMap<?>) v).get("a"), "malformed string bytes");
        byte[] table = region(Table.builder().column("p", new int[] {1}).column("q", new int[] {2}).build());
        expectOnRead(edit(table, b -> b[dev.grove.test.Bytes.indexOf(b, "pq".getBytes(StandardCharsets.US_ASCII))]
                = (byte) 0xC0), v -> ((SharedTable) v).column(0), "malformed string bytes");
        expectOnRead(edit(table, b -> b[dev.grove.test.Bytes.indexOf(b, "pq".getBytes(StandardCharsets.US_ASCII)) + 1]
                = 'p'), v -> ((SharedTable) v).column(0), "duplicate column name");
    }

    /** Rule: under aux bit 0, bytes are WTF-8: no overlong forms, and a surrogate pair never as two 3-byte sequences. */
    @Test
    void wtf8RefusesOverlongFormsAndSplitPairs() {
        byte[] lone = region("\ud800\ud800ab"); // aux bit 0 set: ED A0 80 ED A0 80 61 62
        int at = root(lone) + 16;
        assertEquals(1, u32(lone, root(lone) + 4), "a lone surrogate sets aux bit 0");
        expectOnRead(edit(lone, b -> b[at + 4] = (byte) 0xB0), v -> v.toString(), "malformed string bytes");
        expectOnRead(edit(lone, b -> {
            b[at + 6] = (byte) 0xC1;
            b[at + 7] = (byte) 0xA1;
        }), v -> v.toString(), "malformed string bytes");
        String name = write(lone);
        try (SharedObject v = Grove.map("/" + name)) {
            assertEquals("\ud800\ud800ab", v.toString(), "two lone high surrogates are well-formed");
        } finally {
            delete(name);
        }
    }

    /** Rule: an empty List is a list of count 0; a List of nulls only is a string array. */
    @Test
    void anEmptyListIsAListAndAllNullsAStringArray() {
        byte[] empty = region(List.of());
        assertEquals(26, u32(empty, root(empty)));
        assertEquals(0, u64(empty, root(empty) + 16));
        byte[] nulls = region(Arrays.asList(null, null));
        assertEquals(25, u32(nulls, root(nulls)));
    }

    /** Rules of the reference text: names of A-Z a-z 0-9 _ -, hex written lower case and read in either case. */
    @Test
    void referenceTextNamesAndHexCase() {
        try (SharedDoubleArray v = Grove.share(new double[] {1})) {
            SharedRef ref = v.ref();
            String text = ref.toString();
            String hex = text.substring(text.indexOf('#') + 1, text.indexOf('#') + 17);
            assertEquals(hex.toLowerCase(java.util.Locale.ROOT), hex, "written lower case");
            int id = text.indexOf('#') + 1;
            String upper = text.substring(0, id) + text.substring(id, id + 16).toUpperCase(java.util.Locale.ROOT)
                    + text.substring(id + 16);
            assertEquals(ref, SharedRef.parse(upper), "read in either case");
        }
        assertThrows(InvalidPathException.class, () -> SharedRef.parse("/a~b#0000000000000001"));
        assertThrows(InvalidPathException.class, () -> Grove.map("/na me"));
    }

    // ---------------------------------------------------------------- map index layout

    private static long slots(byte[] b) {
        int p = root(b) + 16;
        long count = u64(b, p);
        return u64(b, (int) (p + 16 + 8 * count));
    }

    private static int slotAt(byte[] b, long s) {
        int p = root(b) + 16;
        long count = u64(b, p);
        return (int) (p + 24 + 8 * count + 4 * s);
    }

    /** Byte offset of the index slot holding entry {@code entry}. */
    private static int slotHolding(byte[] b, int entry) {
        for (long s = 0; s < slots(b); s++) {
            if (u32(b, slotAt(b, s)) == entry + 1) {
                return slotAt(b, s);
            }
        }
        throw new AssertionError("entry " + entry + " not in the index");
    }

    /** Byte offset of an empty index slot other than slot {@code not}. */
    private static int emptySlot(byte[] b, long not) {
        for (long s = 0; s < slots(b); s++) {
            if (s != not && u32(b, slotAt(b, s)) == 0) {
                return slotAt(b, s);
            }
        }
        throw new AssertionError("no empty slot");
    }

    // ---------------------------------------------------------------- helpers

    private static int root(byte[] b) {
        return (int) u64(b, 32);
    }

    private static byte[] region(Object value) {
        try (SharedObject v = Grove.share(value)) {
            return bytesOf(v);
        }
    }

    /** A copy of {@code good} with {@code damage} done and the header checksum made right again. */
    private static byte[] edit(byte[] good, Consumer<byte[]> damage) {
        byte[] b = good.clone();
        damage.accept(b);
        fixHeaderCrc(b);
        return b;
    }

    private static void expectOnMap(byte[] bytes, String fact) {
        BadInputTest.expectCorrupt(bytes, fact);
    }

    interface Read {
        Object on(SharedObject view);
    }

    private static void expectOnRead(byte[] bytes, Read read, String fact) {
        String name = write(bytes);
        try {
            RegionCorruptException e = assertThrows(RegionCorruptException.class, () -> {
                try (SharedObject v = Grove.map("/" + name)) {
                    read.on(v);
                }
            });
            BadInputTest.assertMessage(e, "/" + name, fact);
        } finally {
            delete(name);
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

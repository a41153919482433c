package dev.grove;

import dev.grove.internal.Regions;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The behaviour users rely on, type by type: contents, paths, interfaces, read-only-ness, copies. */
class ShareAndMapTest {

    @Test
    void primitiveArraysReadWithoutBoxingAndCopyOut() {
        double[] data = {1.5, -0.0, Double.NaN, 4};
        try (SharedDoubleArray x = Grove.share(data)) {
            assertEquals(4, x.length());
            assertEquals(1.5, x.getDouble(0));
            assertEquals(Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(x.getDouble(2)));
            assertArrayEquals(data, x.toDoubleArray());
            assertArrayEquals(new double[] {-0.0, Double.NaN}, x.toDoubleArray(1, 2));
            assertEquals(Arrays.stream(data).boxed().toList(), x);
            assertEquals(x, Arrays.stream(data).boxed().toList());
            assertEquals(List.of(1.5, -0.0, Double.NaN, 4.0).toString(), x.toString());
            assertEquals(5.5, x.doubleStream().filter(d -> !Double.isNaN(d)).sum());
            assertThrows(IndexOutOfBoundsException.class, () -> x.getDouble(4));
            assertThrows(IndexOutOfBoundsException.class, () -> x.getDouble(-1));
        }
        try (SharedIntArray i = Grove.share(new int[] {3, 1, 2})) {
            assertEquals(6, i.intStream().sum());
            assertEquals(Integer.valueOf(1), i.get(1));
        }
        try (SharedLongArray l = Grove.share(new long[] {Long.MIN_VALUE, 7})) {
            assertEquals(Long.MIN_VALUE + 7, l.longStream().sum());
        }
        try (SharedBooleanArray b = Grove.share(new boolean[] {true, false, true})) {
            assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
        }
        try (SharedCharArray c = Grove.share("h\u00e9llo".toCharArray());
             SharedByteArray by = Grove.share(new byte[] {-1, 0, 1});
             SharedShortArray s = Grove.share(new short[] {-5, 5});
             SharedFloatArray f = Grove.share(new float[] {0.25f, Float.NaN})) {
            assertArrayEquals("h\u00e9llo".toCharArray(), c.toCharArray());
            assertArrayEquals(new byte[] {-1, 0, 1}, by.toByteArray());
            assertArrayEquals(new short[] {-5, 5}, s.toShortArray());
            assertEquals(0.25f, f.getFloat(0));
            assertTrue(Float.isNaN(f.getFloat(1)));
        }
    }

    @Test
    void viewsAreReadOnlyAndCopiesAreMutable() {
        try (SharedDoubleArray x = Grove.share(new double[] {1, 2});
             SharedList<Object> list = Grove.share(new ArrayList<>(List.of("a", 1, List.of(2.0))));
             SharedMap<Object> map = Grove.share(new LinkedHashMap<>(Map.of("k", (Object) "v")))) {
            assertThrows(UnsupportedOperationException.class, () -> x.set(0, 3.0));
            assertThrows(UnsupportedOperationException.class, () -> x.add(3.0));
            assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
            assertThrows(UnsupportedOperationException.class, () -> list.clear());
            assertThrows(UnsupportedOperationException.class, () -> map.put("x", 1));
            assertThrows(UnsupportedOperationException.class, () -> map.remove("k"));
            assertThrows(UnsupportedOperationException.class, () -> map.clear());
            assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().remove());
            assertThrows(IllegalArgumentException.class,
                    () -> x.segment().set(ValueLayout.JAVA_DOUBLE, 0, 9.0), "segment is read-only");
            double[] mine = x.toDoubleArray();
            mine[0] = 42;
            assertEquals(1.0, x.getDouble(0), "copy-on-write made explicit: the region is unchanged");
            ArrayList<Object> copy = list.copy();
            copy.add("more");
            assertEquals(3, list.size());
            LinkedHashMap<String, Object> mcopy = map.copy();
            mcopy.put("x", 1);
            assertFalse(map.containsKey("x"));
        }
    }

    @Test
    void boxedScalarsKeepTheirType() {
        List<Object> mixed = Arrays.asList(true, (byte) 1, 'c', (short) 2, 3, 4L, 5f, 6d, null, "s");
        try (SharedList<Object> v = Grove.share(mixed)) {
            for (int i = 0; i < mixed.size(); i++) {
                Object expected = mixed.get(i);
                Object actual = v.get(i);
                assertEquals(expected, actual);
                if (expected != null) {
                    assertEquals(expected.getClass(), actual.getClass(), "type at " + i);
                }
            }
            try (SharedObject three = Grove.map(v.path() + "[4]")) {
                SharedValue<?> sv = assertInstanceOf(SharedValue.class, three);
                assertEquals(Integer.valueOf(3), sv.get());
            }
        }
        try (SharedObject root = Grove.share((Object) 7L)) {
            assertEquals(7L, assertInstanceOf(SharedValue.class, root).get());
        }
        try (SharedList<Integer> ints = Grove.share(List.of(1, 2, 3))) {
            assertInstanceOf(SharedIntArray.class, ints, "a list of one boxed type is stored as an array");
            assertEquals(List.of(1, 2, 3), ints);
        }
    }

    @Test
    void stringsAndStringArrays() {
        String s = "gr\u00f8ve \uD83C\uDF33 lone:\uD800 end";
        try (SharedString v = Grove.share(s)) {
            assertEquals(s, v.toString());
            assertTrue(v.contentEquals(s));
            assertEquals(s.length(), v.length());
            assertEquals(s.charAt(3), v.charAt(3));
        }
        String[] arr = {"a", null, "", "\uDC00", "z".repeat(10_000)};
        try (SharedList<String> v = Grove.share(arr)) {
            assertEquals(Arrays.asList(arr), v);
            assertNull(v.get(1));
            try (SharedString third = Grove.map(v.path() + "[4]")) {
                assertEquals(arr[4], third.toString());
                assertEquals(v.path() + "[4]", third.path());
            }
            assertNull(Grove.map(v.path() + "[1]"), "a path to a null element maps to null");
        }
    }

    @Test
    void mapsKeepOrderAllowNullValuesAndLookUpByHash() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            m.put("key" + (999 - i), i % 7 == 0 ? null : i);
        }
        m.put("\uD800", "lone surrogate key");
        try (SharedMap<Object> v = Grove.share(m)) {
            assertEquals(m, v);
            assertEquals(v, m);
            assertEquals(m.hashCode(), v.hashCode());
            assertEquals(new ArrayList<>(m.keySet()), new ArrayList<>(v.keySet()), "insertion order");
            assertEquals(5, v.get("key994"));
            assertNull(v.get("key999"));
            assertTrue(v.containsKey("key999"), "present with a null value");
            assertFalse(v.containsKey("nope"));
            assertNull(v.get(42), "non-string keys are simply absent");
            assertEquals("lone surrogate key", v.get("\uD800"));
            assertEquals(m.toString(), v.toString());
        }
    }

    @Test
    void tablesShareAllColumnsInOneRegion() {
        Table t = Table.builder()
                .column("id", new int[] {1, 2, 3})
                .column("price", new double[] {9.5, 3.25, 7})
                .column("name", new String[] {"a", null, "c"})
                .build();
        try (SharedTable v = Grove.share(t)) {
            assertEquals(t, v);
            assertEquals(v, t);
            assertEquals(t.hashCode(), v.hashCode());
            assertEquals(3, v.rowCount());
            assertEquals(List.of("id", "price", "name"), v.columnNames());
            try (SharedDoubleArray price = v.column("price", SharedDoubleArray.class)) {
                assertEquals(v.path() + "[1]", price.path());
                assertEquals(3.25, price.getDouble(1));
            }
            assertThrows(InvalidPathException.class, () -> v.column("id", SharedDoubleArray.class));
            assertEquals(t, v.toTable());
            try (SharedString c = Grove.map(v.path() + "[2][2]")) {
                assertEquals("c", c.toString());
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> Table.builder().column("a", new int[1]).column("b", new int[2]));
        assertThrows(IllegalArgumentException.class, () -> Table.builder().column("a", new int[1]).column("a", new int[1]));
        assertThrows(IllegalArgumentException.class, () -> Table.builder().column("a", new Object[1]));
    }

    @Test
    void matricesHaveZeroCopyRows() {
        double[][] m = {{1, 2, 3}, {4, 5, 6}};
        try (SharedMatrix v = Grove.share(m)) {
            assertEquals(2, v.rows());
            assertEquals(3, v.cols());
            assertEquals(6.0, v.get(1, 2));
            assertArrayEquals(new double[] {3, 6}, v.column(2));
            assertTrue(Arrays.deepEquals(m, v.toArray()));
            try (SharedDoubleArray row = v.row(1); SharedDoubleArray same = Grove.map(v.path() + "[1]")) {
                assertEquals(List.of(4.0, 5.0, 6.0), row);
                assertEquals(row, same);
                assertEquals(v.path() + "[1]", row.path());
            }
        }
        assertThrows(UnsupportedTypeException.class, () -> Grove.share(new double[][] {{1}, {1, 2}}));
    }

    @Test
    void matricesOfIntLongAndFloatKeepTheirTypeInRowsPathsAndCopies() {
        int[][] ints = {{1, -2, Integer.MAX_VALUE}, {4, 5, Integer.MIN_VALUE}};
        long[][] longs = {{Long.MIN_VALUE}, {7}, {Long.MAX_VALUE}};
        float[][] floats = {{1.5f, Float.NaN}, {-0.0f, Float.MIN_VALUE}};
        try (SharedMatrix i = Grove.share(ints); SharedMatrix l = Grove.share(longs); SharedMatrix f = Grove.share(floats)) {
            assertEquals(int.class, i.elementType());
            assertEquals(long.class, l.elementType());
            assertEquals(float.class, f.elementType());
            assertEquals(Integer.MIN_VALUE, i.getInt(1, 2));
            assertEquals(Long.MAX_VALUE, l.getLong(2, 0));
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f.getFloat(1, 0)));
            assertEquals(-2, i.getBoxed(0, 1));
            ClassCastException wrong = assertThrows(ClassCastException.class, () -> i.get(0, 0));
            assertTrue(wrong.getMessage().contains("matrix of int read as double"), wrong.getMessage());
            int[] column = i.column(2);
            assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, column);
            int[][] copy = i.toArray();
            assertTrue(Arrays.deepEquals(ints, copy));
            long[][] longCopy = l.toArray();
            assertTrue(Arrays.deepEquals(longs, longCopy));
            float[][] floatCopy = f.toArray();
            assertTrue(Arrays.deepEquals(floats, floatCopy));
            try (SharedIntArray row = i.row(1); SharedObject byPath = Grove.map(i.path() + "[1]");
                 SharedLongArray longRow = Grove.map(l.path() + "[2]"); SharedFloatArray floatRow = f.row(0)) {
                assertEquals(List.of(4, 5, Integer.MIN_VALUE), row);
                assertEquals(SharedIntArray.class, byPath.getClass());
                assertEquals(row, byPath);
                assertEquals(Long.MAX_VALUE, longRow.getLong(0));
                assertTrue(Float.isNaN(floatRow.getFloat(1)));
            }
            InvalidPathException deeper = assertThrows(InvalidPathException.class, () -> Grove.map(i.path() + "[0][1]"));
            assertTrue(deeper.getMessage().contains("type=int[]"), deeper.getMessage());
            try (SharedMatrix again = Grove.map(i.path()); SharedMatrix copied = (SharedMatrix) Grove.share((Object) i)) {
                assertEquals(i, again);
                assertEquals(i, copied);
                assertEquals(int.class, copied.elementType());
                assertNotEquals(i, l);
            }
        }
        try (SharedMatrix b = Grove.share(new boolean[][] {{true, false}}); SharedMatrix c = Grove.share(new char[][] {{'\uD800'}})) {
            assertEquals(false, b.getBoxed(0, 1));
            assertEquals('\uD800', c.getBoxed(0, 0));
        }
        assertThrows(UnsupportedTypeException.class, () -> Grove.share(new int[][] {{1}, null}));
    }

    @Test
    void oneMappingPerRegionPerProcess() {
        try (SharedList<Object> v = Grove.share(List.of(List.of(1.0), "x"))) {
            String name = v.path().substring(1);
            long before = Regions.mappedHere().stream().filter(name::equals).count();
            try (SharedObject a = Grove.map(v.path()); SharedObject b = Grove.map(v.path() + "[0]");
                 SharedObject c = Grove.map(v.ref())) {
                assertEquals(1, before);
                assertEquals(1, Regions.mappedHere().stream().filter(name::equals).count());
                assertEquals(v, a);
                assertEquals(List.of(1.0), b);
                assertEquals(v, c);
            }
        }
    }

    @Test
    void referencesRoundTripAndRejectStaleIds() {
        try (SharedList<Object> v = Grove.share(List.of("a", List.of(1, 2)))) {
            SharedRef ref = v.ref();
            assertEquals(v.path(), ref.path());
            assertEquals(ref, SharedRef.parse(ref.toString()));
            assertEquals(ref, SharedRef.fromWire(ref.wireText(), ref.wireId()), "the wire id gives back the region id");
            SharedRef moved = SharedRef.fromWire(v.path() + "[0]", ref.wireId());
            assertNotEquals(ref.regionId(), moved.regionId(), "another path read with this wire id names another id");
            assertThrows(StaleReferenceException.class, () -> Grove.map(moved));
            assertEquals(v.path().substring(1), ref.regionName());
            SharedRef forged = SharedRef.of(v.path(), ref.regionId() ^ 1);
            StaleReferenceException e = assertThrows(StaleReferenceException.class, () -> Grove.map(forged));
            assertTrue(e.getMessage().contains(v.path()), e.getMessage());
            try (SharedObject sub = Grove.map(SharedRef.of(v.path() + "[1]", ref.regionId()))) {
                assertEquals(List.of(1, 2), sub);
            }
        }
    }

    @Test
    void subViewsOutliveTheirRoot() {
        SharedList<Object> root = Grove.share(List.of(new double[] {1, 2, 3}, "x"));
        @SuppressWarnings("unchecked")
        SharedDoubleArray column = (SharedDoubleArray) (Object) root.get(0);
        root.close();
        assertThrows(RegionReleasedException.class, () -> root.get(1));
        assertEquals(2.0, column.getDouble(1), "the column holds the region on its own");
        column.close();
        assertThrows(RegionReleasedException.class, () -> column.getDouble(1));
    }

    @Test
    void unsupportedTypesAreNamedWithTheirPosition() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", 1);
        m.put("bad", List.of(1, "two", new StringBuilder("x")));
        UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, () -> Grove.share(m));
        assertTrue(e.getMessage().contains("root[\"bad\"][2]"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.StringBuilder"), e.getMessage());
        Map<Object, Object> intKeys = Map.of(1, 2);
        assertThrows(UnsupportedTypeException.class, () -> Grove.share((Object) intKeys));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(UnsupportedTypeException.class, () -> Grove.share(cycle));
        assertThrows(NullPointerException.class, () -> Grove.share((Object) null));
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

package dev.grove.test;

import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedString;
import dev.grove.SharedTable;
import dev.grove.SharedValue;
import dev.grove.Table;
import dev.grove.check.Gen;
import dev.grove.check.Gens;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Generators of every shape Grove shares, and a canonical form that makes an original graph and its
 * view comparable: arrays become lists, matrices lists of rows, views their plain contents.
 */
public final class Graphs {
    private Graphs() {
    }

    public static Gen<String> strings() {
        // strings(n) includes unpaired surrogates and characters outside the BMP.
        return Gens.oneOf(Gens.strings(12), Gens.strings(Gens.ints('a', 'z').map(i -> (char) (int) i), 0, 6),
                Gens.of("", "\uD83D\uDE00", "\uD800", "a\uDC00b", "\u0000", "\u00e9t\u00e9"));
    }

    public static Gen<Object> scalars() {
        return Gens.oneOf(Gens.booleans(), Gens.bytes(), Gens.chars(), Gens.shorts(), Gens.ints(), Gens.longs(),
                Gens.floats(), Gens.doubles());
    }

    public static Gen<Object> primitiveArrays() {
        int max = 40;
        return Gens.oneOf(
                Gens.arrays(boolean[].class, Gens.booleans(), 0, max),
                Gens.arrays(byte[].class, Gens.bytes(), 0, max),
                Gens.arrays(char[].class, Gens.chars(), 0, max),
                Gens.arrays(short[].class, Gens.shorts(), 0, max),
                Gens.arrays(int[].class, Gens.ints(), 0, max),
                Gens.arrays(long[].class, Gens.longs(), 0, max),
                Gens.arrays(float[].class, Gens.floats(), 0, max),
                Gens.arrays(double[].class, Gens.doubles(), 0, max));
    }

    public static Gen<String[]> stringArrays() {
        return Gens.arrays(String[].class, strings().orNull(0.2), 0, 12);
    }

    /** Rectangular matrices of every primitive element type, up to 5 x 5, empty ones included. */
    public static Gen<Object> matrices() {
        return matrices(5);
    }

    /** Rectangular matrices of every primitive element type, up to {@code max} x {@code max}. */
    public static Gen<Object> matrices(int max) {
        List<Gen<?>> elements = List.of(Gens.doubles(), Gens.ints(), Gens.longs(), Gens.floats(), Gens.shorts(),
                Gens.chars(), Gens.bytes(), Gens.booleans());
        List<Class<?>> rowTypes = List.of(double[].class, int[].class, long[].class, float[].class, short[].class,
                char[].class, byte[].class, boolean[].class);
        return s -> {
            int type = Gens.ints(0, elements.size() - 1).generate(s);
            int rows = Gens.ints(0, max).generate(s);
            int cols = Gens.ints(0, max).generate(s);
            Class<?> rowType = rowTypes.get(type);
            Gen<?> row = Gens.arrays(rowType, elements.get(type), cols, cols);
            return Gens.arrays(rowType.arrayType(), row, rows, rows).generate(s);
        };
    }

    /** Whether {@code v} is a matrix: an array of primitive arrays. */
    public static boolean isMatrix(Object v) {
        return v != null && v.getClass().isArray() && v.getClass().getComponentType().isArray()
                && v.getClass().getComponentType().getComponentType().isPrimitive();
    }

    public static Gen<Table> tables() {
        return Gens.ints(0, 8).flatMap(rows -> {
            Gen<Object> column = Gens.oneOf(
                    Gens.arrays(double[].class, Gens.doubles(), rows, rows),
                    Gens.arrays(int[].class, Gens.ints(), rows, rows),
                    Gens.arrays(long[].class, Gens.longs(), rows, rows),
                    Gens.arrays(boolean[].class, Gens.booleans(), rows, rows),
                    Gens.arrays(String[].class, strings().orNull(0.2), rows, rows));
            return column.list(0, 4).map(cols -> {
                Table.Builder b = Table.builder();
                for (int i = 0; i < cols.size(); i++) {
                    b.column("c" + i, cols.get(i));
                }
                return b.build();
            });
        });
    }

    /** Leaves: everything but lists and maps. */
    public static Gen<Object> leaves() {
        return Gens.frequency(
                Gens.weight(4, scalars()),
                Gens.weight(3, strings()),
                Gens.weight(3, primitiveArrays()),
                Gens.weight(2, stringArrays()),
                Gens.weight(1, matrices()),
                Gens.weight(1, tables()));
    }

    /** Any graph: leaves, and lists and maps of graphs (nulls allowed inside), up to {@code depth} levels. */
    public static Gen<Object> graphs(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Gen<Object> inner = Gens.lazy(() -> graphs(depth - 1)).orNull(0.1);
        return Gens.frequency(
                Gens.weight(2, leaves()),
                Gens.weight(2, inner.list(0, 5)),
                Gens.weight(2, Gens.maps(strings(), inner, 0, 5)));
    }

    /** Graphs whose root is a container: the shapes sub-paths are about. */
    public static Gen<Object> containers() {
        Gen<Object> inner = graphs(2).orNull(0.1);
        return Gens.oneOf(inner.list(1, 6), Gens.maps(strings(), inner, 1, 6));
    }

    /**
     * The canonical form of an original value or a view: primitive arrays and array views become boxed
     * lists, matrices lists of rows, tables maps of column lists, shared strings and values their content.
     */
    public static Object canon(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof SharedString s) {
            return s.toString();
        }
        if (v instanceof SharedValue<?> s) {
            return s.get();
        }
        if (isMatrix(v)) {
            List<Object> rows = new ArrayList<>();
            for (Object r : (Object[]) v) {
                rows.add(canon(r));
            }
            return List.of("matrix", rows);
        }
        if (v instanceof SharedMatrix m) {
            List<Object> rows = new ArrayList<>();
            for (long r = 0; r < m.rows(); r++) {
                rows.add(canonAndClose(m.row(r)));
            }
            return List.of("matrix", rows);
        }
        if (v instanceof Table t) {
            Map<String, Object> cols = new LinkedHashMap<>();
            for (int c = 0; c < t.columnCount(); c++) {
                cols.put(t.columnNames().get(c), canon(t.column(c)));
            }
            return List.of("table", cols);
        }
        if (v instanceof SharedTable t) {
            Map<String, Object> cols = new LinkedHashMap<>();
            for (int c = 0; c < t.columnCount(); c++) {
                cols.put(t.columnNames().get(c), canonAndClose(t.column(c)));
            }
            return List.of("table", cols);
        }
        if (v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                out.add(canon(Array.get(v, i)));
            }
            return out;
        }
        boolean fromView = v instanceof SharedObject;
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(fromView ? canonAndClose(x) : canon(x));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, fromView ? canonAndClose(x) : canon(x)));
            return List.of("map", out, new ArrayList<>(m.keySet()));
        }
        return v;
    }

    /**
     * canon of a sub-view a view just handed out, which is then closed: every such sub-view holds the
     * region on its own, and leaving them to the garbage collector would keep regions alive for a while.
     */
    private static Object canonAndClose(Object x) {
        Object c = canon(x);
        if (x instanceof SharedObject so) {
            so.close();
        }
        return c;
    }

    /**
     * Calls {@code visit} with every path suffix (such as {@code [2][0]}) inside {@code original} and the
     * original value there, up to {@code limit} paths.
     */
    public static void subPaths(Object original, int limit, BiConsumer<String, Object> visit) {
        walk(original, "", new int[] {limit}, visit);
    }

    private static void walk(Object v, String suffix, int[] budget, BiConsumer<String, Object> visit) {
        List<Object> kids = new ArrayList<>();
        if (v instanceof List<?> l) {
            if (l.isEmpty() || !allOneBoxedType(l)) {
                kids.addAll(l);
            }
        } else if (v instanceof Map<?, ?> m) {
            kids.addAll(m.values());
        } else if (v instanceof String[] s) {
            kids.addAll(java.util.Arrays.asList((Object[]) s));
        } else if (v instanceof Table t) {
            for (int c = 0; c < t.columnCount(); c++) {
                kids.add(t.column(c));
            }
        } else if (isMatrix(v)) {
            kids.addAll(java.util.Arrays.asList((Object[]) v));
        }
        for (int i = 0; i < kids.size() && budget[0] > 0; i++) {
            budget[0]--;
            String p = suffix + "[" + i + "]";
            visit.accept(p, kids.get(i));
            walk(kids.get(i), p, budget, visit);
        }
    }

    /** Lists of one boxed type are stored as primitive arrays, which are leaves for paths. */
    private static boolean allOneBoxedType(List<?> l) {
        Object first = l.get(0);
        if (!(first instanceof Number || first instanceof Boolean || first instanceof Character)) {
            return false;
        }
        return l.stream().allMatch(x -> x != null && x.getClass() == first.getClass());
    }

    /** Whether any list or map inside {@code v} holds a matrix (views equal originals directly otherwise). */
    public static boolean holdsMatrix(Object v) {
        if (isMatrix(v)) {
            return true;
        }
        if (v instanceof List<?> l) {
            return l.stream().anyMatch(Graphs::holdsMatrix);
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(Graphs::holdsMatrix);
        }
        return false;
    }

    /**
     * What a view of {@code v} equals directly, through the collection interfaces: arrays as boxed lists,
     * string arrays as lists, everything else as it is.
     */
    public static Object asViewSees(Object v) {
        if (v == null || v instanceof Table) {
            return v;
        }
        if (v.getClass().isArray()) {
            return canon(v);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(asViewSees(x));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, asViewSees(x)));
            return out;
        }
        return v;
    }

    /** Whether {@code v} is a view class. */
    public static boolean isView(Object v) {
        return v instanceof SharedList || v instanceof SharedMap || v instanceof SharedTable;
    }
}

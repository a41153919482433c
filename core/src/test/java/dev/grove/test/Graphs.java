package dev.grove.test;

import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedString;
import dev.grove.SharedTable;
import dev.grove.SharedValue;
import dev.grove.Table;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

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

    public static Arbitrary<String> strings() {
        // all() includes unpaired surrogates and characters outside the BMP.
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6),
                Arbitraries.of("", "\uD83D\uDE00", "\uD800", "a\uDC00b", "\u0000", "\u00e9t\u00e9"));
    }

    public static Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.of(true, false).map(x -> (Object) x),
                Arbitraries.bytes().map(x -> (Object) x),
                Arbitraries.chars().map(x -> (Object) x),
                Arbitraries.shorts().map(x -> (Object) x),
                Arbitraries.integers().map(x -> (Object) x),
                Arbitraries.longs().map(x -> (Object) x),
                Arbitraries.floats().withSpecialValue(Float.NaN).withSpecialValue(-0.0f).map(x -> (Object) x),
                doubles().map(x -> (Object) x));
    }

    public static Arbitrary<Double> doubles() {
        return Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0)
                .withSpecialValue(Double.NEGATIVE_INFINITY).withSpecialValue(Double.MIN_VALUE);
    }

    public static Arbitrary<Object> primitiveArrays() {
        int max = 40;
        return Arbitraries.oneOf(
                Arbitraries.of(true, false).list().ofMaxSize(max).map(l -> {
                    boolean[] a = new boolean[l.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = l.get(i);
                    }
                    return (Object) a;
                }),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.chars().array(char[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.shorts().array(short[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.integers().array(int[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.longs().array(long[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.floats().withSpecialValue(Float.NaN).array(float[].class).ofMaxSize(max).map(x -> (Object) x),
                doubles().array(double[].class).ofMaxSize(max).map(x -> (Object) x));
    }

    public static Arbitrary<String[]> stringArrays() {
        return strings().injectNull(0.2).array(String[].class).ofMaxSize(12);
    }

    public static Arbitrary<double[][]> matrices() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5))
                .flatAs((r, c) -> doubles().array(double[].class).ofSize(c).array(double[][].class).ofSize(r));
    }

    public static Arbitrary<Table> tables() {
        return Arbitraries.integers().between(0, 8).flatMap(rows -> {
            Arbitrary<Object> column = Arbitraries.oneOf(
                    doubles().array(double[].class).ofSize(rows).map(x -> (Object) x),
                    Arbitraries.integers().array(int[].class).ofSize(rows).map(x -> (Object) x),
                    Arbitraries.longs().array(long[].class).ofSize(rows).map(x -> (Object) x),
                    Arbitraries.of(true, false).array(Boolean[].class).ofSize(rows).map(b -> {
                        boolean[] a = new boolean[b.length];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = b[i];
                        }
                        return (Object) a;
                    }),
                    strings().injectNull(0.2).array(String[].class).ofSize(rows).map(x -> (Object) x));
            return column.list().ofMaxSize(4).map(cols -> {
                Table.Builder b = Table.builder();
                for (int i = 0; i < cols.size(); i++) {
                    b.column("c" + i, cols.get(i));
                }
                return b.build();
            });
        });
    }

    /** Leaves: everything but lists and maps. */
    public static Arbitrary<Object> leaves() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalars()),
                net.jqwik.api.Tuple.of(3, strings().map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(3, primitiveArrays()),
                net.jqwik.api.Tuple.of(2, stringArrays().map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(1, matrices().map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(1, tables().map(x -> (Object) x)));
    }

    /** Any graph: leaves, and lists and maps of graphs (nulls allowed inside), up to {@code depth} levels. */
    public static Arbitrary<Object> graphs(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Arbitrary<Object> inner = Arbitraries.lazy(() -> graphs(depth - 1));
        Arbitrary<Object> lists = inner.injectNull(0.1).list().ofMaxSize(5).map(x -> (Object) x);
        Arbitrary<Object> maps = Arbitraries.maps(strings(), inner.injectNull(0.1)).ofMaxSize(5)
                .map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaves()),
                net.jqwik.api.Tuple.of(2, lists),
                net.jqwik.api.Tuple.of(2, maps));
    }

    /** Graphs whose root is a container: the shapes sub-paths are about. */
    public static Arbitrary<Object> containers() {
        Arbitrary<Object> inner = graphs(2);
        return Arbitraries.oneOf(inner.injectNull(0.1).list().ofMinSize(1).ofMaxSize(6).map(x -> (Object) x),
                Arbitraries.maps(strings(), inner.injectNull(0.1)).ofMinSize(1).ofMaxSize(6)
                        .map(m -> (Object) new LinkedHashMap<>(m)));
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
        if (v instanceof double[][] m) {
            List<Object> rows = new ArrayList<>();
            for (double[] r : m) {
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
        } else if (v instanceof double[][] m) {
            kids.addAll(java.util.Arrays.asList((Object[]) m));
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
        if (v instanceof double[][]) {
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

package dev.grove.conformance;

import dev.grove.Table;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jqwik generators for every shape Grove shares, with the edge cases transports get wrong: empty
 * containers, nulls, NaN and -0.0, unpaired surrogates and characters outside the BMP, very long strings,
 * deep nesting, wide maps, tables with zero rows.
 */
public final class GroveArbitraries {
    private GroveArbitraries() {
    }

    /** Strings: any UTF-16 (unpaired surrogates included), short ASCII, fixed oddities, and long ones. */
    public static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(16)),
                Tuple.of(2, Arbitraries.of("", "\uD83C\uDF33", "\uD800", "x\uDFFFy", "\u0000", "\uFFFF", "caf\u00e9")),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(10_000).ofMaxLength(70_000)));
    }

    /** Doubles with NaN (two payloads), -0.0, infinity and the smallest subnormal among them. */
    public static Arbitrary<Double> doubles() {
        return Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(-0.0)
                .withSpecialValue(Double.POSITIVE_INFINITY).withSpecialValue(Double.MIN_VALUE)
                .withSpecialValue(Double.longBitsToDouble(0x7ff0_0000_0000_0001L));
    }

    /** Boxed scalars of all eight types. */
    public static Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.of(true, false).map(x -> (Object) x), Arbitraries.bytes().map(x -> (Object) x),
                Arbitraries.chars().map(x -> (Object) x), Arbitraries.shorts().map(x -> (Object) x),
                Arbitraries.integers().map(x -> (Object) x), Arbitraries.longs().map(x -> (Object) x),
                Arbitraries.floats().withSpecialValue(Float.NaN).map(x -> (Object) x), doubles().map(x -> (Object) x)));
    }

    /** Primitive arrays of all eight types, empty ones included. */
    public static Arbitrary<Object> primitiveArrays() {
        int max = 64;
        return Arbitraries.oneOf(List.of(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.chars().array(char[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.shorts().array(short[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.integers().array(int[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.longs().array(long[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.floats().array(float[].class).ofMaxSize(max).map(x -> (Object) x),
                doubles().array(double[].class).ofMaxSize(max).map(x -> (Object) x),
                Arbitraries.of(true, false).list().ofMaxSize(max).map(l -> {
                    boolean[] a = new boolean[l.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = l.get(i);
                    }
                    return (Object) a;
                })));
    }

    /** Tables, zero rows and zero columns included. */
    public static Arbitrary<Table> tables() {
        return Arbitraries.integers().between(0, 6).flatMap(rows -> Arbitraries.oneOf(List.of(
                doubles().array(double[].class).ofSize(rows).map(x -> (Object) x),
                Arbitraries.longs().array(long[].class).ofSize(rows).map(x -> (Object) x),
                strings().injectNull(0.2).array(String[].class).ofSize(rows).map(x -> (Object) x)))
                .list().ofMaxSize(4).map(cols -> {
                    Table.Builder b = Table.builder();
                    for (int i = 0; i < cols.size(); i++) {
                        b.column("col" + i, cols.get(i));
                    }
                    return b.build();
                }));
    }

    /** Rectangular matrices up to 4 x 4, empty ones included. */
    public static Arbitrary<double[][]> matrices() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4))
                .flatAs((r, c) -> doubles().array(double[].class).ofSize(c).array(double[][].class).ofSize(r));
    }

    /** Everything but lists and maps. */
    public static Arbitrary<Object> leaves() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, scalars()), Tuple.of(3, strings().map(x -> (Object) x)), Tuple.of(3, primitiveArrays()),
                Tuple.of(2, strings().injectNull(0.2).array(String[].class).ofMaxSize(8).map(x -> (Object) x)),
                Tuple.of(1, matrices().map(x -> (Object) x)), Tuple.of(1, tables().map(x -> (Object) x)));
    }

    /** Graphs of lists and maps over leaves, nulls inside, up to {@code depth} levels. */
    public static Arbitrary<Object> graphs(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Arbitrary<Object> inner = Arbitraries.lazy(() -> graphs(depth - 1)).injectNull(0.1);
        return Arbitraries.frequencyOf(
                Tuple.of(2, leaves()),
                Tuple.of(2, inner.list().ofMaxSize(5).map(x -> (Object) x)),
                Tuple.of(2, Arbitraries.maps(strings(), inner).ofMaxSize(5).map(m -> (Object) new LinkedHashMap<>(m))));
    }

    /** Any shareable graph, edge cases included: the default input of the kit's properties. */
    public static Arbitrary<Object> anyShareable() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, graphs(3)),
                Tuple.of(1, deepList(200)),
                Tuple.of(1, wideMap(5_000)),
                Tuple.of(1, Arbitraries.of((Object) List.of(), (Object) Map.of(), (Object) new double[0],
                        (Object) new String[] {null}, (Object) Table.builder().build())));
    }

    /** A list nested {@code depth} levels deep around a string. */
    public static Arbitrary<Object> deepList(int depth) {
        return Arbitraries.integers().between(1, depth).map(d -> {
            Object v = "bottom";
            for (int i = 0; i < d; i++) {
                v = List.of(v);
            }
            return v;
        });
    }

    /** A map with up to {@code width} keys. */
    public static Arbitrary<Object> wideMap(int width) {
        return Arbitraries.integers().between(0, width).map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put("k" + i, i % 3 == 0 ? null : i);
            }
            return (Object) m;
        });
    }
}

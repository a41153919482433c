package dev.grove.conformance;

import dev.grove.Table;
import dev.grove.check.Gen;
import dev.grove.check.Gens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generators for every shape Grove shares, with the edge cases transports get wrong: empty containers,
 * nulls, NaN (two payloads) and -0.0, unpaired surrogates and characters outside the BMP, very long
 * strings, deep nesting, wide maps, tables with zero rows. They are plain {@link Gen}s of the
 * {@code grove-check} engine: call {@code generate} from any framework, or run them with
 * {@link dev.grove.check.Property}, which shrinks failures.
 */
public final class GroveGenerators {
    private GroveGenerators() {
    }

    /** Strings: any UTF-16 (unpaired surrogates included), fixed oddities, and long ones (10,000 to 70,000 chars). */
    public static Gen<String> strings() {
        return Gens.frequency(
                Gens.weight(4, Gens.strings(16)),
                Gens.weight(2, Gens.of("", "\uD83C\uDF33", "\uD800", "x\uDFFFy", "\u0000", "\uFFFF", "caf\u00e9")),
                Gens.weight(1, Gens.longLetters(10_000, 70_000)));
    }

    /** Doubles: small integers, fractions, any bit pattern, NaN (two payloads), -0.0, infinities, subnormals. */
    public static Gen<Double> doubles() {
        return Gens.doubles();
    }

    /** Boxed scalars of all eight types. */
    public static Gen<Object> scalars() {
        return Gens.oneOf(Gens.booleans(), Gens.bytes(), Gens.chars(), Gens.shorts(), Gens.ints(), Gens.longs(),
                Gens.floats(), doubles());
    }

    /** Primitive arrays of all eight types, empty ones included. */
    public static Gen<Object> primitiveArrays() {
        int max = 64;
        return Gens.oneOf(
                Gens.arrays(byte[].class, Gens.bytes(), 0, max),
                Gens.arrays(char[].class, Gens.chars(), 0, max),
                Gens.arrays(short[].class, Gens.shorts(), 0, max),
                Gens.arrays(int[].class, Gens.ints(), 0, max),
                Gens.arrays(long[].class, Gens.longs(), 0, max),
                Gens.arrays(float[].class, Gens.floats(), 0, max),
                Gens.arrays(double[].class, doubles(), 0, max),
                Gens.arrays(boolean[].class, Gens.booleans(), 0, max));
    }

    /** Tables, zero rows and zero columns included. */
    public static Gen<Table> tables() {
        return Gens.ints(0, 6).flatMap(rows -> Gens.<Object>oneOf(
                        Gens.arrays(double[].class, doubles(), rows, rows),
                        Gens.arrays(long[].class, Gens.longs(), rows, rows),
                        Gens.arrays(String[].class, strings().orNull(0.2), rows, rows))
                .list(0, 4).map(cols -> {
                    Table.Builder b = Table.builder();
                    for (int i = 0; i < cols.size(); i++) {
                        b.column("col" + i, cols.get(i));
                    }
                    return b.build();
                }));
    }

    /**
     * Rectangular matrices of every primitive element type ({@code double[][]}, {@code int[][]},
     * {@code long[][]}, {@code float[][]}, and the other four) up to 4 x 4, empty ones included.
     */
    public static Gen<Object> matrices() {
        List<Gen<?>> elements = List.of(doubles(), Gens.ints(), Gens.longs(), Gens.floats(), Gens.shorts(),
                Gens.chars(), Gens.bytes(), Gens.booleans());
        List<Class<?>> rowTypes = List.of(double[].class, int[].class, long[].class, float[].class, short[].class,
                char[].class, byte[].class, boolean[].class);
        return s -> {
            int type = Gens.ints(0, elements.size() - 1).generate(s);
            int rows = Gens.ints(0, 4).generate(s);
            int cols = Gens.ints(0, 4).generate(s);
            Class<?> rowType = rowTypes.get(type);
            Gen<?> row = Gens.arrays(rowType, elements.get(type), cols, cols);
            return Gens.arrays(rowType.arrayType(), row, rows, rows).generate(s);
        };
    }

    /** Everything but lists and maps. */
    public static Gen<Object> leaves() {
        return Gens.frequency(
                Gens.weight(3, scalars()), Gens.weight(3, strings()), Gens.weight(3, primitiveArrays()),
                Gens.weight(2, Gens.arrays(String[].class, strings().orNull(0.2), 0, 8)),
                Gens.weight(1, matrices()), Gens.weight(1, tables()));
    }

    /** Graphs of lists and maps over leaves, nulls inside, up to {@code depth} levels. */
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

    /** Any shareable graph, edge cases included: the default input of the kit's properties. */
    public static Gen<Object> anyShareable() {
        return Gens.frequency(
                Gens.weight(8, graphs(3)),
                Gens.weight(1, deepList(200)),
                Gens.weight(1, wideMap(5_000)),
                Gens.weight(1, Gens.of(List.of(), Map.of(), new double[0], new String[] {null}, Table.builder().build())));
    }

    /** A list nested 1 to {@code depth} levels deep around a string. */
    public static Gen<Object> deepList(int depth) {
        return Gens.ints(1, depth).map(d -> {
            Object v = "bottom";
            for (int i = 0; i < d; i++) {
                v = List.of(v);
            }
            return v;
        });
    }

    /** A map with up to {@code width} keys. */
    public static Gen<Object> wideMap(int width) {
        return Gens.ints(0, width).map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put("k" + i, i % 3 == 0 ? null : i);
            }
            return m;
        });
    }
}

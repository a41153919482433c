package dev.grove.check;

import java.lang.reflect.Array;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generators of the JDK's types, biased towards the values code gets wrong: 0, -1 and the ends of every
 * range, NaN (more than one), -0.0, infinities and subnormals, unpaired surrogates and characters outside
 * the BMP, empty and one-element containers. Every generator shrinks towards its simplest value: 0,
 * {@code false}, {@code 'a'}, the empty string, the first alternative, the shortest list.
 */
public final class Gens {
    private static final double[] SPECIAL_DOUBLES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.MIN_NORMAL, 1.0, -1.0, Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
            Double.longBitsToDouble(0xfff8_0000_0000_0000L)};
    private static final float[] SPECIAL_FLOATS = {0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, 1.0f,
            Float.intBitsToFloat(0x7f80_0001)};
    private static final char[] SPECIAL_CHARS = {'\0', '\u00e9', '\u007f', '\u00a0', '\uffff', '\ufeff', '\ud800', '\udfff'};

    private Gens() {
    }

    /** One choice among generators, with its weight. */
    public record Weighted<T>(int weight, Gen<? extends T> gen) {
        /** Checks that the weight is positive. */
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight=" + weight + " must be positive");
            }
        }
    }

    /** {@code gen}, chosen with relative frequency {@code weight} in {@link #frequency}. */
    public static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** Always {@code value}. */
    public static <T> Gen<T> constant(T value) {
        return s -> value;
    }

    /** One of {@code values}; shrinks towards the first. */
    @SafeVarargs
    public static <T> Gen<T> of(T... values) {
        List<T> copy = java.util.Arrays.asList(values.clone());
        return s -> copy.get((int) s.draw(copy.size() - 1));
    }

    /** A value of one of {@code gens}, each as likely; shrinks towards the first. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        Gen<? extends T>[] copy = gens.clone();
        return s -> copy[(int) s.draw(copy.length - 1)].generate(s);
    }

    /** A value of one of the weighted generators, in proportion to their weights; shrinks towards the first. */
    @SafeVarargs
    public static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        Weighted<? extends T>[] copy = choices.clone();
        int total = 0;
        for (Weighted<? extends T> w : copy) {
            total += w.weight();
        }
        int sum = total;
        return s -> {
            int ticket = s.random().nextInt(sum);
            int proposal = 0;
            while (ticket >= copy[proposal].weight()) {
                ticket -= copy[proposal++].weight();
            }
            return copy[(int) s.draw(copy.length - 1, proposal)].gen().generate(s);
        };
    }

    /** A generator made on first use: for recursive shapes. */
    public static <T> Gen<T> lazy(Supplier<? extends Gen<T>> make) {
        return new Gen<>() {
            private volatile Gen<T> made;

            @Override
            public T generate(Source s) {
                Gen<T> g = made;
                if (g == null) {
                    made = g = make.get();
                }
                return g.generate(s);
            }
        };
    }

    /** {@code false} or {@code true}. */
    public static Gen<Boolean> booleans() {
        return s -> s.draw(1) == 1;
    }

    /** Any {@code long}, often small or at the ends of the range. */
    public static Gen<Long> longs() {
        return s -> between(s, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** {@code long}s in {@code [min, max]}, often near 0 (or the end closer to it) and at both ends. */
    public static Gen<Long> longs(long min, long max) {
        checkRange(min, max);
        return s -> between(s, min, max);
    }

    /** Any {@code int}, often small or at the ends of the range. */
    public static Gen<Integer> ints() {
        return ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** {@code int}s in {@code [min, max]}, often near 0 (or the end closer to it) and at both ends. */
    public static Gen<Integer> ints(int min, int max) {
        checkRange(min, max);
        return s -> (int) between(s, min, max);
    }

    /** Any {@code short}. */
    public static Gen<Short> shorts() {
        return s -> (short) between(s, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    /** Any {@code byte}. */
    public static Gen<Byte> bytes() {
        return s -> (byte) between(s, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    /** Any {@code char}: lower-case letters, any UTF-16 unit, lone surrogates, and a few odd ones. */
    public static Gen<Character> chars() {
        return s -> switch ((int) s.draw(3, pick(s, 40, 30, 15, 15))) {
            case 0 -> (char) ('a' + s.draw(25));
            case 1 -> (char) s.draw(0xffff);
            case 2 -> (char) (0xd800 + s.draw(0x7ff));
            default -> SPECIAL_CHARS[(int) s.draw(SPECIAL_CHARS.length - 1)];
        };
    }

    /** Any {@code double}: small integers, fractions of every magnitude, any bit pattern, and the special values. */
    public static Gen<Double> doubles() {
        return s -> switch ((int) s.draw(3, pick(s, 30, 25, 25, 20))) {
            case 0 -> (double) zigzag(s.draw(255));
            case 1 -> SPECIAL_DOUBLES[(int) s.draw(SPECIAL_DOUBLES.length - 1)];
            case 2 -> Math.scalb((double) zigzag(s.draw((1L << 54) - 1)), -(int) s.draw(1100));
            default -> Double.longBitsToDouble(anyLong(s));
        };
    }

    /** Any {@code float}, as {@link #doubles()} but in single precision. */
    public static Gen<Float> floats() {
        return s -> switch ((int) s.draw(3, pick(s, 30, 25, 25, 20))) {
            case 0 -> (float) zigzag(s.draw(255));
            case 1 -> SPECIAL_FLOATS[(int) s.draw(SPECIAL_FLOATS.length - 1)];
            case 2 -> Math.scalb((float) zigzag(s.draw((1L << 25) - 1)), -(int) s.draw(160));
            default -> Float.intBitsToFloat((int) anyLong(s));
        };
    }

    /**
     * Strings of up to {@code maxLength} UTF-16 units: any unit (lone surrogates included) and, now and
     * then, a character outside the BMP as a surrogate pair.
     */
    public static Gen<String> strings(int maxLength) {
        Gen<Character> chars = chars();
        return s -> {
            int target = size(s, 0, maxLength);
            StringBuilder b = new StringBuilder();
            while (b.length() < maxLength) {
                int start = s.position();
                if (s.draw(1, b.length() < target ? 1 : 0) == 0) {
                    break;
                }
                if (s.flag(0.1) && b.length() + 2 <= maxLength) {
                    b.appendCodePoint(0x10000 + (int) s.draw(0xfffff));
                } else {
                    b.append((char) chars.generate(s));
                }
                s.endSpan(start);
            }
            return b.toString();
        };
    }

    /** Strings of {@code min} to {@code max} characters from {@code chars}. */
    public static Gen<String> strings(Gen<Character> chars, int min, int max) {
        return chars.list(min, max).map(l -> {
            StringBuilder b = new StringBuilder(l.size());
            l.forEach(b::append);
            return b.toString();
        });
    }

    /**
     * Strings of {@code min} to {@code max} lower-case letters made from a length and a seed (two choices,
     * however long the string): for long strings, which would cost a choice per character otherwise.
     */
    public static Gen<String> longLetters(int min, int max) {
        checkRange(min, max);
        return s -> {
            int n = (int) (min + s.draw(max - min));
            SplittableRandom letters = new SplittableRandom(s.draw(Long.MAX_VALUE));
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = (char) ('a' + letters.nextInt(26));
            }
            return new String(c);
        };
    }

    /**
     * Arrays of type {@code arrayType} (primitive or not) with {@code min} to {@code max} elements from
     * {@code elements}, whose values must fit the component type.
     */
    public static <A> Gen<A> arrays(Class<A> arrayType, Gen<?> elements, int min, int max) {
        Class<?> component = arrayType.getComponentType();
        if (component == null) {
            throw new IllegalArgumentException("arrayType=" + arrayType.getName() + " is not an array type");
        }
        return elements.list(min, max).map(l -> {
            Object a = Array.newInstance(component, l.size());
            for (int i = 0; i < l.size(); i++) {
                Array.set(a, i, l.get(i));
            }
            return arrayType.cast(a);
        });
    }

    /** Insertion-ordered maps of {@code min} to {@code max} entries (fewer if keys repeat too often). */
    public static <K, V> Gen<Map<K, V>> maps(Gen<? extends K> keys, Gen<? extends V> values, int min, int max) {
        checkRange(min, max);
        return s -> {
            int target = size(s, min, max);
            Map<K, V> out = new LinkedHashMap<>();
            for (int attempts = 0; out.size() < min && attempts < 10 * min + 10; attempts++) {
                int start = s.position();
                out.put(keys.generate(s), values.generate(s));
                s.endSpan(start);
            }
            while (out.size() < max) {
                int start = s.position();
                if (s.draw(1, out.size() < target ? 1 : 0) == 0) {
                    break;
                }
                out.put(keys.generate(s), values.generate(s));
                s.endSpan(start);
            }
            return out;
        };
    }

    /**
     * The size a container aims for when fresh: small most of the time, anywhere in range often, the
     * largest now and then. It only biases proposals; the recorded choices decide.
     */
    static int size(Source s, int min, int max) {
        SplittableRandom r = s.random();
        int span = max - min;
        int roll = r.nextInt(10);
        if (roll < 5) {
            return min + r.nextInt(Math.min(span, 8) + 1);
        }
        return roll < 9 ? min + r.nextInt(span + 1) : max;
    }

    /** An index proposal in proportion to {@code weights}. */
    private static long pick(Source s, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int ticket = s.random().nextInt(total);
        int i = 0;
        while (ticket >= weights[i]) {
            ticket -= weights[i++];
        }
        return i;
    }

    /**
     * A long in {@code [min, max]} as a distance from the origin (the value closest to 0) and a side: so
     * lowering the distance choice moves the value towards 0 whatever the side, and a binary search on it
     * finds a boundary. Fresh tries propose values near the origin, anywhere, or at the ends.
     */
    private static long between(Source s, long min, long max) {
        long origin = Math.clamp(0, min, max);
        long up = max - origin;
        // Values below the origin are origin - 1 - n for n in [0, belowLast]; this also fits Long.MIN_VALUE.
        long belowLast = origin == min ? -1 : (origin - 1) - min;
        SplittableRandom r = s.random();
        long proposal = switch ((int) pick(s, 40, 40, 20)) {
            case 0 -> Math.clamp(origin + r.nextLong(-128, 129), min, max);
            case 1 -> {
                long span = max - min;
                yield span >= 0 && span < Long.MAX_VALUE ? min + r.nextLong(span + 1) : Math.clamp(r.nextLong(), min, max);
            }
            default -> switch (r.nextInt(4)) {
                case 0 -> min;
                case 1 -> max;
                case 2 -> Math.min(min + 1, max);
                default -> Math.max(max - 1, min);
            };
        };
        boolean proposeBelow = proposal < origin;
        long n = s.draw(Math.max(up, belowLast), proposeBelow ? origin - 1 - proposal : proposal - origin);
        boolean below;
        if (belowLast < 0 || n > belowLast) {
            below = false;
        } else if (n > up) {
            below = true;
        } else {
            below = s.draw(1, proposeBelow ? 1 : 0) == 1;
        }
        return below ? origin - 1 - n : origin + n;
    }

    /** Any bit pattern: a magnitude and whether to flip every bit. */
    private static long anyLong(Source s) {
        long magnitude = s.draw(Long.MAX_VALUE);
        return s.draw(1) == 1 ? ~magnitude : magnitude;
    }

    /** 0, -1, 1, -2, 2, ...: the first choices are the values nearest 0. */
    private static long zigzag(long n) {
        return (n & 1) == 0 ? n >>> 1 : -((n + 1) >>> 1);
    }

    private static void checkRange(long min, long max) {
        if (max < min) {
            throw new IllegalArgumentException("min=" + min + " max=" + max);
        }
    }
}

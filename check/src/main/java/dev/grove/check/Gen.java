package dev.grove.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of values of type {@code T}, drawing every random decision from a {@link Source}. Shrinking
 * comes for free: it edits the recorded choices, so a generator only has to map smaller choices to simpler
 * values. Write one as a lambda, {@code s -> new Point(x.generate(s), y.generate(s))}, or combine the ones
 * in {@link Gens}.
 *
 * @param <T> the type of generated values
 */
@FunctionalInterface
public interface Gen<T> {

    /** One value, every random decision taken from {@code source}. */
    T generate(Source source);

    /** Values of this generator passed through {@code f}. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return s -> f.apply(generate(s));
    }

    /** A value of this generator, then a value of the generator {@code f} makes from it. */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        return s -> f.apply(generate(s)).generate(s);
    }

    /** This generator's values, or {@code null} with probability {@code p} (null is the simpler). */
    default Gen<T> orNull(double p) {
        return s -> {
            int start = s.position();
            T v = s.flag(1 - p) ? generate(s) : null;
            s.endSpan(start);
            return v;
        };
    }

    /** Only values that pass {@code keep}; a try that finds none in 100 attempts is discarded. */
    default Gen<T> filter(Predicate<? super T> keep) {
        return s -> {
            for (int i = 0; i < 100; i++) {
                T v = generate(s);
                if (keep.test(v)) {
                    return v;
                }
            }
            throw new Source.Discard("no value passed the filter in 100 attempts");
        };
    }

    /**
     * Lists of {@code min} to {@code max} values. Each element past {@code min} is announced by a yes/no
     * choice, so shrinking can drop any element, not only the last ones.
     */
    default Gen<List<T>> list(int min, int max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("min=" + min + " max=" + max);
        }
        return s -> {
            int target = Gens.size(s, min, max);
            List<T> out = new ArrayList<>();
            while (out.size() < min) {
                int start = s.position();
                out.add(generate(s));
                s.endSpan(start);
            }
            while (out.size() < max) {
                int start = s.position();
                if (s.draw(1, out.size() < target ? 1 : 0) == 0) {
                    break;
                }
                out.add(generate(s));
                s.endSpan(start);
            }
            return out;
        };
    }
}

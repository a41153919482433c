package dev.grove.parallel;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A function of an element and the call's shared variables that can travel to worker JVMs: a lambda typed as
 * this interface is serializable. It is sent once per call, not once per element; anything it captures
 * travels with it (keep captures small: share large data through {@code vars}).
 *
 * @param <T> the element: a {@link Slice} for {@code memApply}, a list element for {@code memLapply}
 * @param <R> the result
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends BiFunction<T, U, R>, Serializable {
}

package dev.grove.parallel;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A one-argument function that can travel to worker JVMs; see {@link SerializableBiFunction}.
 *
 * @param <T> the element
 * @param <R> the result
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}

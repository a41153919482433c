package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A single boxed value in a shared region: the root of a region made by sharing an {@link Integer},
 * {@link Double}, ..., or what {@link Grove#map(String)} returns for a path to a scalar inside a list or
 * map. It keeps its exact type: an {@code Integer} comes back as an {@code Integer}.
 *
 * @param <T> the boxed type
 */
public final class SharedValue<T> extends SingleView {
    /** The value's node in the region, whose payload {@link #segment()} returns. */
    private final Node node;
    /** The value, decoded when the view was made. */
    private final T value;

    SharedValue(Node node, Hold hold, T value) {
        super(node.path(), hold);
        this.node = node;
        this.value = value;
    }

    /** The value. */
    public T get() {
        h.check();
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedValue<?> v && Objects.equals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return node.payloadSlice(0, node.length());
    }
}

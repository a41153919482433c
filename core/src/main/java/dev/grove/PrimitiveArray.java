package dev.grove;

import dev.grove.internal.Hold;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.IntFunction;

/** What the eight primitive array views share: the payload segment, index checks and bulk copies out. */
abstract sealed class PrimitiveArray<E> extends SharedList<E> permits SharedBooleanArray, SharedByteArray,
        SharedCharArray, SharedShortArray, SharedIntArray, SharedLongArray, SharedFloatArray, SharedDoubleArray {
    final MemorySegment data;

    PrimitiveArray(String path, Hold hold, MemorySegment data, int elementSize) {
        super(path, hold, data.byteSize() / elementSize);
        this.data = data.asReadOnly();
    }

    /** Checks that the view is open and {@code index} inside it; returns the index. */
    final long checked(long index) {
        h.check();
        return Objects.checkIndex(index, length);
    }

    /** A new array of {@code count} elements from {@code from}, with one bulk copy. */
    final <A> A copyOut(long from, int count, IntFunction<A> newArray, ValueLayout layout) {
        h.check();
        Objects.checkFromIndexSize(from, count, length);
        A out = newArray.apply(count);
        try {
            // A page past a truncated file's end faults, and the JVM may report that after this frame: check first.
            h.region().checkWhole();
            MemorySegment.copy(data, layout, from * layout.byteSize(), out, 0, count);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
        return out;
    }

    @Override
    public final MemorySegment segment() {
        h.check();
        return data;
    }
}

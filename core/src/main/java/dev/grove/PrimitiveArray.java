package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Native;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.IntFunction;

/** What the eight primitive array views share: the payload segment, index checks and bulk copies out. */
abstract sealed class PrimitiveArray<E> extends SharedList<E> permits SharedBooleanArray, SharedByteArray,
        SharedCharArray, SharedShortArray, SharedIntArray, SharedLongArray, SharedFloatArray, SharedDoubleArray {
    /** Copies this large map their source pages in one call first, instead of faulting page by page. */
    private static final long BATCH_FAULTS_FROM = 1 << 20;
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
        long offset = from * layout.byteSize();
        long bytes = count * layout.byteSize();
        try {
            if (bytes >= BATCH_FAULTS_FROM) {
                Native.populateForRead(data.asSlice(offset, bytes));
            }
            MemorySegment.copy(data, layout, offset, out, 0, count);
        } catch (IllegalStateException e) {
            throw h.released(e);
        }
        return out;
    }

    @Override
    public final MemorySegment segment() {
        h.check();
        return data;
    }
}

package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** What the eight primitive array views share: the payload segment, index checks and bulk copies out. */
abstract sealed class PrimitiveArray<E> extends SharedList<E> permits SharedBooleanArray, SharedByteArray,
        SharedCharArray, SharedShortArray, SharedIntArray, SharedLongArray, SharedFloatArray, SharedDoubleArray {
    final MemorySegment data;
    final ElementType type;

    PrimitiveArray(String path, Hold hold, MemorySegment data, ElementType type) {
        super(path, hold, data.byteSize() / type.size());
        this.data = data.asReadOnly();
        this.type = type;
    }

    /** Checks that the view is open and {@code index} inside it; returns the index. */
    final long checked(long index) {
        h.check();
        return Objects.checkIndex(index, length);
    }

    /** A new primitive array of {@code count} elements from {@code from}, with one bulk copy. */
    final Object copyOut(long from, int count) {
        h.check();
        Objects.checkFromIndexSize(from, count, length);
        try {
            // A page past a truncated file's end faults, and the JVM may report that after this frame: check first.
            h.region().checkWhole();
            return type.copyOut(data, from * type.size(), count);
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
    }

    @Override
    public final MemorySegment segment() {
        h.check();
        return data;
    }
}

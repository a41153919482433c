package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.util.stream.LongStream;

/**
 * A shared {@code long[]}: elements read straight from the region with {@link #getLong(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedLongArray extends PrimitiveArray<Long> {

    SharedLongArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.LONG);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public long getLong(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.LONG, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Long get(long index) {
        return getLong(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public long[] toLongArray() {
        return toLongArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public long[] toLongArray(long from, int count) {
        return (long[]) copyOut(from, count);
    }

    /** The elements as a sequential stream, read lazily, without boxing. */
    public LongStream longStream() {
        h.check();
        return LongStream.range(0, length).map(this::getLong);
    }
}

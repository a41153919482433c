package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * A shared {@code int[]}: elements read straight from the region with {@link #getInt(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedIntArray extends PrimitiveArray<Integer> {

    SharedIntArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.INT);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public int getInt(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.INT, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Integer get(long index) {
        return getInt(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public int[] toIntArray() {
        return toIntArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public int[] toIntArray(long from, int count) {
        return (int[]) copyOut(from, count);
    }

    /** The elements as a sequential stream, read lazily, without boxing. */
    public IntStream intStream() {
        h.check();
        return LongStream.range(0, length).mapToInt(this::getInt);
    }
}

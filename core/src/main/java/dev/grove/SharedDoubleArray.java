package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;

/**
 * A shared {@code double[]}: elements read straight from the region with {@link #getDouble(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedDoubleArray extends PrimitiveArray<Double> {

    SharedDoubleArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.DOUBLE);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public double getDouble(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.DOUBLE, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Double get(long index) {
        return getDouble(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public double[] toDoubleArray() {
        return toDoubleArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public double[] toDoubleArray(long from, int count) {
        return (double[]) copyOut(from, count);
    }

    /** The elements as a sequential stream, read lazily, without boxing. */
    public DoubleStream doubleStream() {
        h.check();
        return LongStream.range(0, length).mapToDouble(this::getDouble);
    }
}

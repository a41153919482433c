package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * A shared {@code float[]}: elements read straight from the region with {@link #getFloat(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedFloatArray extends PrimitiveArray<Float> {

    SharedFloatArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.FLOAT);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public float getFloat(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.FLOAT, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Float get(long index) {
        return getFloat(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public float[] toFloatArray() {
        return toFloatArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public float[] toFloatArray(long from, int count) {
        return (float[]) copyOut(from, count);
    }
}

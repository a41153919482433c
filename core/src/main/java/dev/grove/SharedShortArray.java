package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * A shared {@code short[]}: elements read straight from the region with {@link #getShort(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedShortArray extends PrimitiveArray<Short> {

    SharedShortArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.SHORT);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public short getShort(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.SHORT, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Short get(long index) {
        return getShort(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public short[] toShortArray() {
        return toShortArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public short[] toShortArray(long from, int count) {
        return (short[]) copyOut(from, count);
    }
}

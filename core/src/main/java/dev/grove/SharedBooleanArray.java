package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * A shared {@code boolean[]}: elements read straight from the region with {@link #getBoolean(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedBooleanArray extends PrimitiveArray<Boolean> {

    SharedBooleanArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.BOOLEAN);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public boolean getBoolean(long index) {
        long i = checked(index);
        try {
            return ElementType.bool(data.get(Layouts.BYTE, i), i);
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
    }

    @Override
    public Boolean get(long index) {
        return getBoolean(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public boolean[] toBooleanArray() {
        return toBooleanArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public boolean[] toBooleanArray(long from, int count) {
        return (boolean[]) copyOut(from, count);
    }
}

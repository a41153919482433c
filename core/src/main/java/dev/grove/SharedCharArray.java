package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * A shared {@code char[]}: elements read straight from the region with {@link #getChar(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedCharArray extends PrimitiveArray<Character> {

    SharedCharArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.CHAR);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public char getChar(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.CHAR, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Character get(long index) {
        return getChar(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public char[] toCharArray() {
        return toCharArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public char[] toCharArray(long from, int count) {
        return (char[]) copyOut(from, count);
    }
}

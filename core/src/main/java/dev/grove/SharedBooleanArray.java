package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A shared {@code boolean[]}: elements read straight from the region with {@link #getBoolean(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedBooleanArray extends SharedList<Boolean> {
    private final MemorySegment data;

    SharedBooleanArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data.byteSize() / 1);
        this.data = data.asReadOnly();
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public boolean getBoolean(long index) {
        h.check();
        long i = Objects.checkIndex(index, length);
        try {
            return data.get(Layouts.BYTE, i) != 0;
        } catch (IllegalStateException e) {
            throw h.released(e);
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
        h.check();
        Objects.checkFromIndexSize(from, count, length);
        boolean[] out = new boolean[count];
        try {
            // Booleans are stored as bytes; no bulk copy turns bytes into booleans.
            for (int k = 0; k < count; k++) {
                out[k] = data.get(Layouts.BYTE, from + k) != 0;
            }
        } catch (IllegalStateException e) {
            throw h.released(e);
        }
        return out;
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return data;
    }
}

package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Copies;
import dev.grove.internal.Layouts;

import java.lang.foreign.MemorySegment;

/**
 * A shared {@code byte[]}: elements read straight from the region with {@link #getByte(long)}, without
 * boxing and with 64-bit indices; {@link #get(long)} boxes for the {@link java.util.List} view.
 */
public final class SharedByteArray extends PrimitiveArray<Byte> {

    SharedByteArray(String path, Hold hold, MemorySegment data) {
        super(path, hold, data, ElementType.BYTE);
    }

    /**
     * Element {@code index} without boxing.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public byte getByte(long index) {
        long i = checked(index);
        try {
            return data.getAtIndex(Layouts.BYTE, i);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    @Override
    public Byte get(long index) {
        return getByte(index);
    }

    /** A private copy of all elements; the array must fit in a Java array. */
    public byte[] toByteArray() {
        return toByteArray(0, Math.toIntExact(length));
    }

    /**
     * A private copy of {@code count} elements starting at {@code from}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public byte[] toByteArray(long from, int count) {
        return (byte[]) copyOut(from, count);
    }

    /**
     * Copies {@code dst.byteSize()} bytes, starting at byte {@code from}, into {@code dst}: a way to read
     * values of another type out of shared bytes (into {@code MemorySegment.ofArray(doubles)}, say). Large
     * copies run on several cores.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the array
     * @throws IllegalArgumentException  if {@code dst} is read-only or its arena is closed
     */
    public void copyTo(long from, MemorySegment dst) {
        if (dst.isReadOnly() || !dst.scope().isAlive()) {
            throw new IllegalArgumentException("destination is read-only or closed: dst=" + dst);
        }
        h.check();
        java.util.Objects.checkFromIndexSize(from, dst.byteSize(), length);
        try {
            h.region().checkWhole();
            Copies.copy(data.asSlice(from, dst.byteSize()), dst);
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
    }
}

package dev.grove;

import dev.grove.internal.Hold;

import java.lang.foreign.MemorySegment;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.RandomAccess;

/**
 * A read-only, lazily read list in a shared region: a primitive array ({@link SharedDoubleArray} and its
 * seven siblings, with unboxed getters), an array of strings, or a list of any supported values.
 * Equality, hash code and string form follow {@link java.util.List}, so a view equals an
 * {@link java.util.ArrayList} with the same elements. Mutators throw {@link UnsupportedOperationException};
 * {@link #copy()} gives a private mutable copy.
 *
 * <p>Indices are {@code long}: {@link #length()} and {@link #get(long)} reach past 2<sup>31</sup>
 * elements, where {@link #size()} saturates at {@link Integer#MAX_VALUE} as {@link java.util.Collection}
 * requires.
 *
 * @param <E> element type
 */
public abstract sealed class SharedList<E> extends AbstractList<E> implements SharedObject, RandomAccess
        permits PrimitiveArray, ObjectList, StringList {

    /** The view's handle: its path, its hold on the region, and whether it was closed. */
    final Handle h;
    /** Number of elements. */
    final long length;

    SharedList(String path, Hold hold, long length) {
        this.h = new Handle(this, path, hold);
        this.length = length;
    }

    /** Number of elements, which may exceed {@link Integer#MAX_VALUE}. */
    public final long length() {
        return length;
    }

    /**
     * Element {@code index}, read from the region now.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public abstract E get(long index);

    @Override
    public final E get(int index) {
        return get((long) index);
    }

    /** {@link #length()}, or {@link Integer#MAX_VALUE} if the list is longer. */
    @Override
    public final int size() {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /**
     * A private copy as a plain Java array: {@code double[]} for a {@link SharedDoubleArray} (and so on for
     * the other primitive views), {@code String[]} for a list of strings, {@code Object[]} otherwise
     * (nested views stay views). The list must fit in a Java array.
     */
    public final Object toPlainArray() {
        return Views.toArray(this);
    }

    /** A private, mutable copy of the elements; nested views stay views. */
    public ArrayList<E> copy() {
        return new ArrayList<>(this);
    }

    @Override
    public final String path() {
        return h.path();
    }

    @Override
    public final SharedRef ref() {
        return h.ref(Delivery.FAN_OUT);
    }

    @Override
    public final SharedRef ref(Delivery delivery) {
        return h.ref(delivery);
    }

    @Override
    public final boolean isOpen() {
        return h.isOpen();
    }

    @Override
    public final void close() {
        h.close();
    }

    /** Serialization writes the reference, not the data. */
    protected final Object writeReplace() {
        return new SerialProxy(SerialProxy.VIEW, ref());
    }

    /** Views are only ever read through their proxy; a stream that holds one directly is forged. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("Grove views are deserialized through their proxy only");
    }
}

package dev.grove;

import dev.grove.internal.Hold;

/**
 * What the views that are not collections share: their handle, and the {@link SharedObject} methods
 * that only delegate to it. (List and map views get the same from {@link SharedList} and
 * {@link SharedMap}, which must extend the JDK's abstract collections instead.)
 */
abstract sealed class SingleView implements SharedObject permits SharedTable, SharedMatrix, SharedString, SharedValue {
    final Handle h;

    SingleView(String path, Hold hold) {
        this.h = new Handle(this, path, hold);
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

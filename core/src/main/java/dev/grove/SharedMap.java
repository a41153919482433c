package dev.grove;

import dev.grove.internal.Hashing;
import dev.grove.internal.Hold;
import dev.grove.internal.Node;
import dev.grove.internal.Wtf8;

import java.lang.foreign.MemorySegment;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A read-only, lazily read map with string keys in a shared region, iterating in the insertion order
 * of the map that was shared. {@link #get(Object)} finds a key through a hash index in the region in O(1)
 * without decoding other keys; a value is decoded, or wrapped in a view, only when read. Equality and
 * hash code follow {@link java.util.Map}. Path indices address entries by position:
 * {@code /name[2]} is the third value.
 *
 * @param <V> value type
 */
public final class SharedMap<V> extends AbstractMap<String, V> implements SharedObject {
    /** The view's handle: its path, its hold on the region, and whether it was closed. */
    final Handle h;
    /** The map's node in the region: its values and the hash index of its keys. */
    private final Node node;
    /** The keys, as a string array in insertion order. */
    private final Node keys;
    /** Number of entries. */
    private final long length;
    /** Set once the hash index was checked against the keys (before the first lookup). */
    private volatile boolean indexChecked;

    SharedMap(Node node, Hold hold) {
        this.h = new Handle(this, node.path(), hold);
        this.node = node;
        this.keys = node.names();
        this.length = node.count();
    }

    /** Number of entries, which may exceed {@link Integer#MAX_VALUE}. */
    public long length() {
        return length;
    }

    @Override
    public int size() {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /** The key of entry {@code index}, in insertion order. */
    public String keyAt(long index) {
        h.check();
        Objects.checkIndex(index, length);
        try {
            String k = keys.string(index, path() + "#key[" + index + "]");
            if (k == null) {
                throw new RegionCorruptException("null map key: path=" + path() + " index=" + index);
            }
            return k;
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** The value of entry {@code index}, in insertion order. */
    @SuppressWarnings("unchecked")
    public V valueAt(long index) {
        h.check();
        Objects.checkIndex(index, length);
        try {
            return (V) Views.element(h, node.child(index, path() + "[" + index + "]"));
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** Position of {@code key} in insertion order, or -1 if absent. */
    public long indexOf(String key) {
        h.check();
        try {
            if (!indexChecked) {
                node.checkMapIndexOnce(keys, h.region().id());
                indexChecked = true;
            }
            long slots = node.mapSlots();
            if (slots == 0) {
                return -1;
            }
            byte[] k = Wtf8.encode(key);
            long s = Hashing.fnv1a(k) & (slots - 1);
            for (long probe = 0; probe < slots; probe++) {
                long e = node.mapSlot(s);
                if (e < 0) {
                    return -1;
                }
                if (keyBytesEqual(e, k)) {
                    return e;
                }
                s = (s + 1) & (slots - 1);
            }
            return -1;
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    private boolean keyBytesEqual(long entry, byte[] k) {
        if (keys.isNullString(entry)) {
            return false;
        }
        int len = keys.stringLength(entry);
        if (len != k.length) {
            return false;
        }
        long start = keys.stringStart(entry);
        return MemorySegment.mismatch(keys.segment(), start, start + len, MemorySegment.ofArray(k), 0, len) < 0;
    }

    @Override
    public V get(Object key) {
        if (!(key instanceof String s)) {
            return null;
        }
        long i = indexOf(s);
        return i < 0 ? null : valueAt(i);
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && indexOf(s) >= 0;
    }

    /** A private, mutable copy in the same order; nested views stay views. */
    public LinkedHashMap<String, V> copy() {
        return new LinkedHashMap<>(this);
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private long next;

                    @Override
                    public boolean hasNext() {
                        return next < length;
                    }

                    @Override
                    public Entry<String, V> next() {
                        if (next >= length) {
                            throw new NoSuchElementException();
                        }
                        long i = next++;
                        return new SimpleImmutableEntry<>(keyAt(i), valueAt(i));
                    }
                };
            }

            @Override
            public int size() {
                return SharedMap.this.size();
            }
        };
    }

    @Override
    public String path() {
        return h.path();
    }

    @Override
    public SharedRef ref() {
        return h.ref(Delivery.FAN_OUT);
    }

    @Override
    public SharedRef ref(Delivery delivery) {
        return h.ref(delivery);
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return node.payloadSlice(0, node.length());
    }

    @Override
    public boolean isOpen() {
        return h.isOpen();
    }

    @Override
    public void close() {
        h.close();
    }

    /** Serialization writes the reference, not the data. */
    private Object writeReplace() {
        return new SerialProxy(SerialProxy.VIEW, ref());
    }

    /** Views are only ever read through their proxy; a stream that holds one directly is forged. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("Grove views are deserialized through their proxy only");
    }
}

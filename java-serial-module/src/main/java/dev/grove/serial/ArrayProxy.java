package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.SharedBooleanArray;
import dev.grove.SharedByteArray;
import dev.grove.SharedCharArray;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedFloatArray;
import dev.grove.SharedIntArray;
import dev.grove.SharedList;
import dev.grove.SharedLongArray;
import dev.grove.SharedRef;
import dev.grove.SharedShortArray;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectStreamException;
import java.io.StreamCorruptedException;

/**
 * What {@link SharingObjectOutputStream} writes in place of a large primitive array: a tag, the shared
 * copy's path and region id. Reading it maps the region and gives back an ordinary array, copied once.
 * Any {@code ObjectInputStream} can read it; its filter must admit this class
 * ({@link GroveSerialFilter} does).
 *
 * <p>Public only because {@link Externalizable} requires it; not an API.
 */
public final class ArrayProxy implements Externalizable {
    private static final long serialVersionUID = 1L;
    private static final byte ARRAY_V1 = 3;

    private String path;
    private long id;

    /** For deserialization only. */
    public ArrayProxy() {
    }

    ArrayProxy(SharedRef ref) {
        this.path = ref.path();
        this.id = ref.regionId();
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeByte(ARRAY_V1);
        out.writeUTF(path);
        out.writeLong(id);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        try {
            byte tag = in.readByte();
            if (tag != ARRAY_V1) {
                throw new StreamCorruptedException("unknown Grove array proxy tag " + tag + " (known: 3)");
            }
            path = in.readUTF();
            id = in.readLong();
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            StreamCorruptedException sce = new StreamCorruptedException("truncated or damaged Grove proxy: " + e);
            sce.initCause(e);
            throw sce;
        }
    }

    private Object readResolve() throws ObjectStreamException {
        try (SharedList<?> shared = Grove.map(SharedRef.of(path, id), SharedList.class)) {
            return switch (shared) {
                case SharedBooleanArray a -> a.toBooleanArray();
                case SharedByteArray a -> a.toByteArray();
                case SharedCharArray a -> a.toCharArray();
                case SharedShortArray a -> a.toShortArray();
                case SharedIntArray a -> a.toIntArray();
                case SharedLongArray a -> a.toLongArray();
                case SharedFloatArray a -> a.toFloatArray();
                case SharedDoubleArray a -> a.toDoubleArray();
                default -> throw new InvalidObjectException("not a primitive array: path=" + path);
            };
        } catch (GroveException e) {
            InvalidObjectException ioe = new InvalidObjectException("cannot resolve a shared array: " + e.getMessage());
            ioe.initCause(e);
            throw ioe;
        }
    }
}

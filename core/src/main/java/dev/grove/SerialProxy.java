package dev.grove;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectStreamException;
import java.io.StreamCorruptedException;

/**
 * What {@code java.io} serialization writes for a Grove view or a {@link SharedRef}: a type/version tag,
 * the path and the region id; reading it maps the region. Every view's {@code writeReplace} returns one,
 * so views pass through any {@code ObjectOutputStream} (RMI, caches, frameworks honouring
 * {@code writeReplace}) as references, with no setup.
 *
 * <p>Package-private, as {@code java.time}'s serial form is: deserialization filters need to admit only
 * {@code dev.grove.*}, never an internal name. {@link Externalizable} needs only the public constructor.
 */
final class SerialProxy implements Externalizable {
    private static final long serialVersionUID = 1L;
    /** Tag: a view, version 1. */
    static final byte VIEW_V1 = 1;
    /** Tag: a bare {@link SharedRef}, version 1. */
    static final byte REF_V1 = 2;
    /**
     * Tag: a primitive array shared on the writer's behalf, version 1; read back as a plain array copy
     * (what automatic sharing writes in place of a large array).
     */
    static final byte ARRAY_V1 = 3;

    private byte tag;
    private String path;
    private long id;

    /** For deserialization only. */
    public SerialProxy() {
    }

    SerialProxy(byte tag, SharedRef ref) {
        this.tag = tag;
        this.path = ref.wireText();
        this.id = ref.wireId();
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeByte(tag);
        out.writeUTF(path);
        out.writeLong(id);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        try {
            tag = in.readByte();
            if (tag != VIEW_V1 && tag != REF_V1 && tag != ARRAY_V1) {
                throw new StreamCorruptedException("unknown Grove proxy tag " + tag
                        + " (known: 1 view, 2 reference, 3 array)");
            }
            path = in.readUTF();
            id = in.readLong();
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            StreamCorruptedException sce = new StreamCorruptedException("truncated or damaged Grove proxy: " + e);
            sce.initCause(e);
            throw sce;
        }
    }

    private static Object plainArrayCopy(SharedRef ref) throws InvalidObjectException {
        try (SharedList<?> shared = Grove.map(ref, SharedList.class)) {
            Object array = shared.toPlainArray();
            if (!array.getClass().getComponentType().isPrimitive()) {
                throw new InvalidObjectException("not a primitive array: path=" + ref.path());
            }
            return array;
        }
    }

    private Object readResolve() throws ObjectStreamException {
        try {
            SharedRef ref = SharedRef.fromWire(path, id);
            return switch (tag) {
                case REF_V1 -> ref;
                case ARRAY_V1 -> plainArrayCopy(ref);
                default -> Grove.map(ref);
            };
        } catch (GroveException e) {
            InvalidObjectException ioe = new InvalidObjectException("cannot resolve a Grove reference: " + e.getMessage());
            ioe.initCause(e);
            throw ioe;
        }
    }
}

package dev.grove;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectStreamException;
import java.io.StreamCorruptedException;

/**
 * What {@code java.io} serialization writes for a Grove view or a {@link SharedRef}: a tag saying what it
 * stands for, then the reference as {@linkplain SharedRef#toBytes() reference bytes}; reading it maps the
 * region. Every view's {@code writeReplace} returns one, so views pass through any
 * {@code ObjectOutputStream} (RMI, caches, frameworks honouring {@code writeReplace}) as references, with no
 * setup. Proxies written before reference bytes (the wire text and the wire id) are still read.
 *
 * <p>Package-private, as {@code java.time}'s serial form is: deserialization filters need to admit only
 * {@code dev.grove.*}, never an internal name. {@link Externalizable} needs only the public constructor.
 */
final class SerialProxy implements Externalizable {
    private static final long serialVersionUID = 1L;
    /** Kind: a view, read back mapped. */
    static final byte VIEW = 1;
    /** Kind: a bare {@link SharedRef}. */
    static final byte REF = 2;
    /**
     * Kind: a primitive array shared on the writer's behalf, read back as a plain array copy (what automatic
     * sharing writes in place of a large array).
     */
    static final byte ARRAY = 3;
    /**
     * Added to the kind in the tag when reference bytes follow (tags 4 to 6); tags 1 to 3 are followed by the
     * wire text ({@code writeUTF}) and the wire id, as written before reference bytes.
     */
    private static final int BYTES_FORM = 3;

    private byte kind;
    /** The reference bytes, or null for the earlier form. */
    private byte[] bytes;
    /** The earlier form: wire text and wire id. */
    private String path;
    private long id;

    /** For deserialization only. */
    public SerialProxy() {
    }

    SerialProxy(byte kind, SharedRef ref) {
        this.kind = kind;
        this.bytes = ref.toBytes();
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeByte(kind + BYTES_FORM);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        try {
            int tag = in.readByte();
            if (tag < VIEW || tag > ARRAY + BYTES_FORM) {
                throw new StreamCorruptedException("unknown Grove proxy tag " + tag
                        + " (known: 1 view, 2 reference, 3 array; 4 to 6 the same with reference bytes)");
            }
            if (tag > ARRAY) {
                kind = (byte) (tag - BYTES_FORM);
                int length = in.readUnsignedShort();
                if (length > SharedRef.MAX_BYTES) {
                    throw new StreamCorruptedException("Grove proxy reference too long: length=" + length
                            + " max=" + SharedRef.MAX_BYTES);
                }
                bytes = new byte[length];
                in.readFully(bytes);
            } else {
                kind = (byte) tag;
                path = in.readUTF();
                id = in.readLong();
            }
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
            SharedRef ref = bytes != null ? SharedRef.fromBytes(bytes) : SharedRef.fromWire(path, id);
            return switch (kind) {
                case REF -> ref;
                case ARRAY -> plainArrayCopy(ref);
                default -> Grove.map(ref);
            };
        } catch (GroveException e) {
            InvalidObjectException ioe = new InvalidObjectException("cannot resolve a Grove reference: " + e.getMessage());
            ioe.initCause(e);
            throw ioe;
        }
    }
}

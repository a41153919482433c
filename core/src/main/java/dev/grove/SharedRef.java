package dev.grove;

import dev.grove.internal.PathSyntax;

import java.util.HexFormat;
import java.util.Objects;

/**
 * What travels between processes instead of the data: a path such as {@code /grove_4d1b_9f3a[50]} and
 * the region's random 64-bit id. {@link Grove#map(SharedRef)} maps the region and rejects it with
 * {@link StaleReferenceException} if the id does not match, so a stale or reused name is never mapped
 * silently. Obtain one from {@link SharedObject#ref()}, which also starts the reference's lease.
 */
public final class SharedRef implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final long regionId;

    SharedRef(String path, long regionId) {
        this.path = path;
        this.regionId = regionId;
    }

    /**
     * A reference from its parts, as a serializer reads them back.
     *
     * @throws InvalidPathException if {@code path} is malformed
     */
    public static SharedRef of(String path, long regionId) {
        PathSyntax.parse(path);
        return new SharedRef(path, regionId);
    }

    /**
     * Parses the form {@link #toString()} produces: {@code path#id} with the id in 16 hex digits.
     *
     * @throws InvalidPathException if {@code text} is not in that form
     */
    public static SharedRef parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash < 0 || text.length() - hash - 1 != 16) {
            throw new InvalidPathException("malformed reference (expected path#16-hex-digit-id): ref=" + text);
        }
        long id;
        try {
            id = HexFormat.fromHexDigitsToLong(text, hash + 1, text.length());
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException("malformed reference id: ref=" + text, e);
        }
        return of(text.substring(0, hash), id);
    }

    /**
     * A reference as serializers read it back: {@code wireId} is what {@link #wireId()} gave the writer.
     *
     * @throws InvalidPathException if {@code path} is malformed
     */
    public static SharedRef fromWire(String path, long wireId) {
        return of(path, wireId ^ pathHash(path));
    }

    /**
     * The id as serializers write it: the region id mixed with a hash of the path. A path damaged or
     * altered on the wire ({@code [3]} turned into {@code [5]}, say) then reads back with the wrong region id
     * and is refused as stale, instead of silently naming another part of the same region.
     */
    public long wireId() {
        return regionId ^ pathHash(path);
    }

    private static long pathHash(String path) {
        return dev.grove.internal.Hashing.fnv1a(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The path: region name and indices. */
    public String path() {
        return path;
    }

    /** The region's random id, checked when the reference is mapped. */
    public long regionId() {
        return regionId;
    }

    /** The region name, without indices and without the leading slash. */
    public String regionName() {
        return PathSyntax.parse(path).name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedRef r && r.regionId == regionId && r.path.equals(path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, regionId);
    }

    @Override
    public String toString() {
        return path + "#" + HexFormat.of().toHexDigits(regionId);
    }

    /**
     * A stand-in for {@code java.io} serialization: written as this reference (a few dozen bytes), read
     * back by any {@code ObjectInputStream} as a plain copy of the primitive array the reference names.
     * What an object stream that shares large arrays on the writer's behalf puts in their place; the
     * region must outlive the message (a lease taken by {@link SharedObject#ref()} does that).
     */
    public java.io.Serializable copyOnRead() {
        return new SerialProxy(SerialProxy.ARRAY_V1, this);
    }

    /** Serialization writes a tagged proxy, like the views do. */
    private Object writeReplace() {
        return new SerialProxy(SerialProxy.REF_V1, this);
    }

    /** Views are only ever read through their proxy; a stream that holds one directly is forged. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("Grove views and references are deserialized through their proxy only");
    }
}

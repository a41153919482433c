package dev.grove;

import dev.grove.internal.PathSyntax;
import dev.grove.internal.RefFormat;

import java.util.Objects;

/**
 * What travels between processes instead of the data: a path such as {@code /grove_4d1b_9f3a[50]}, the
 * region's random 64-bit id, a fingerprint of the boot it was made in, and the store directory when the
 * region is not in the default store; a consumed-once reference ({@link Delivery#ONCE}) also carries its
 * ticket, which names one generation of the region as surely as the id (its reference bytes carry the
 * ticket alone). {@link Grove#map(SharedRef)} maps the region from that store and rejects it with
 * {@link StaleReferenceException} if the id or the ticket does not match or the reference was made on
 * another machine or before a reboot, so a stale or reused name is never mapped silently. Obtain one from
 * {@link SharedObject#ref()}, which also starts the reference's lease.
 *
 * <p>Text form ({@link #toString()}, {@link #parse}): {@code path#id}, then {@code ~ticket} (16 hex digits)
 * for a consumed-once reference, then {@code @boot} (8 hex digits) when the boot is known, then
 * {@code @directory} for a store other than the default one. An id of 0 is what a consumed-once reference
 * read from reference bytes shows (its ticket is checked instead); without a ticket, {@link #parse} and the
 * serializers refuse it.
 * References written before boots and stores were carried ({@code path#id}) are still read, and are not
 * checked against the boot.
 */
public final class SharedRef implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The path: region name and indices. */
    private final String path;
    /** The region's random id, checked when the reference is mapped. */
    private final long regionId;
    /** Fingerprint of the boot the reference was made in; 0 when unknown, and then not checked. */
    private final int boot;
    /** The absolute directory of the store holding the region, or null for the default store. */
    private final String store;
    /** For a consumed-once reference, the ticket its receiver's release must name; 0 for a fan-out one. */
    private final long ticket;

    SharedRef(String path, long regionId, int boot, String store, long ticket) {
        this.path = path;
        this.regionId = regionId;
        this.boot = boot;
        this.store = store;
        this.ticket = ticket;
    }

    /**
     * A reference from its parts, as a serializer reads them back (into the default store, boot unchecked).
     * A {@code regionId} of 0 is not checked when the reference is mapped: any region under that name
     * passes, whichever it is by then.
     *
     * @throws InvalidPathException if {@code path} is malformed
     */
    public static SharedRef of(String path, long regionId) {
        PathSyntax.parse(path);
        return new SharedRef(path, regionId, 0, null, 0);
    }

    /**
     * Parses the form {@link #toString()} produces: {@code path#id} with the id in 16 hex digits, optionally
     * followed by {@code ~ticket}, {@code @boot} and {@code @directory}.
     *
     * @throws InvalidPathException if {@code text} is not in that form, or its id is 0 without a ticket
     */
    public static SharedRef parse(String text) {
        return of(RefFormat.parse(text));
    }

    /** Longer reference bytes are refused unread: a path is at most 200 name characters, a directory 4 KiB. */
    public static final int MAX_BYTES = RefFormat.MAX_BYTES;

    /**
     * The reference in Grove's binary wire form, what the Fory serializers write (docs/FORMAT.md,
     * "Reference bytes"): a form byte, the {@link #wireId()}, a region name Grove generated as two numbers
     * (the creating process id and 64 random bits) and the indices as variable-length numbers, then the boot
     * mark, the ticket of a consumed-once reference and the store directory when there is one. A reference
     * to a generated name in the default store takes 23 to 25 bytes plus one to three per index, fan-out or
     * consumed-once: the latter carries its ticket in place of the region id, which then reads back as 0.
     *
     * @throws InvalidPathException if the reference needs more than {@link #MAX_BYTES} (thousands of indices,
     *                              or a store directory of several KiB)
     */
    public byte[] toBytes() {
        return RefFormat.toBytes(parts());
    }

    /**
     * Reads what {@link #toBytes()} wrote, all of it and nothing more: an equal reference, except that a
     * consumed-once reference to a generated name reads back with region id 0 (its ticket stands for it).
     *
     * @throws InvalidPathException if the bytes are not one reference in that form
     */
    public static SharedRef fromBytes(byte[] bytes) {
        return of(RefFormat.fromBytes(bytes));
    }

    /**
     * A reference as serializers read it back: {@code wireText} and {@code wireId} are what
     * {@link #wireText()} and {@link #wireId()} gave the writer (a bare path from writers before boots and
     * stores were carried).
     *
     * @throws InvalidPathException if the text is malformed
     */
    public static SharedRef fromWire(String wireText, long wireId) {
        return of(RefFormat.fromWire(wireText, wireId));
    }

    private static SharedRef of(RefFormat.Parts p) {
        return new SharedRef(p.path(), p.regionId(), p.boot(), p.store(), p.ticket());
    }

    private RefFormat.Parts parts() {
        return new RefFormat.Parts(path, regionId, boot, store, ticket);
    }

    /**
     * The reference as serializers write it beside {@link #wireId()}: the path, then {@code ~ticket} for a
     * consumed-once reference, then {@code @boot} and, for a store other than the default one,
     * {@code @directory}.
     */
    public String wireText() {
        return RefFormat.wireText(parts());
    }

    /**
     * The id as serializers write it: the region id mixed with a hash of the path. A path damaged or
     * altered on the wire ({@code [3]} turned into {@code [5]}, say) then reads back with the wrong region id
     * and is refused as stale, instead of silently naming another part of the same region.
     */
    public long wireId() {
        return RefFormat.wireId(parts());
    }

    /**
     * The fingerprint of the boot (of the machine) the reference was made in, 32 bits of a hash of the
     * kernel's boot id; 0 when unknown (references from earlier writers), which is not checked.
     */
    public int bootMark() {
        return boot;
    }

    /** {@link Delivery#ONCE} for a consumed-once reference, else {@link Delivery#FAN_OUT}. */
    public Delivery delivery() {
        return ticket == 0 ? Delivery.FAN_OUT : Delivery.ONCE;
    }

    /** The consumed-once ticket, or 0. */
    long ticket() {
        return ticket;
    }

    /** The directory of the store holding the region, or empty for the default store. */
    public java.util.Optional<java.nio.file.Path> store() {
        return java.util.Optional.ofNullable(store).map(java.nio.file.Path::of);
    }

    /** The path: region name and indices. */
    public String path() {
        return path;
    }

    /**
     * The region's random id, checked when the reference is mapped; 0 for a consumed-once reference read from
     * {@linkplain #fromBytes reference bytes}, which names its region's generation by its ticket instead (a
     * ticket is outstanding on one generation only, and mapping checks it), or for one made with id 0.
     */
    public long regionId() {
        return regionId;
    }

    /** The region name, without indices and without the leading slash. */
    public String regionName() {
        return PathSyntax.parse(path).name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedRef r && r.regionId == regionId && r.path.equals(path) && r.boot == boot
                && Objects.equals(r.store, store) && r.ticket == ticket;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, regionId, boot, store, ticket);
    }

    @Override
    public String toString() {
        return RefFormat.text(parts());
    }

    /**
     * A stand-in for {@code java.io} serialization: written as this reference (a few dozen bytes), read
     * back by any {@code ObjectInputStream} as a plain copy of the primitive array the reference names.
     * What an object stream that shares large arrays on the writer's behalf puts in their place; the
     * region must outlive the message (a lease taken by {@link SharedObject#ref()} does that).
     */
    public java.io.Serializable copyOnRead() {
        return new SerialProxy(SerialProxy.ARRAY, this);
    }

    /** Serialization writes a tagged proxy, like the views do. */
    private Object writeReplace() {
        return new SerialProxy(SerialProxy.REF, this);
    }

    /** Views are only ever read through their proxy; a stream that holds one directly is forged. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("Grove views and references are deserialized through their proxy only");
    }
}

package dev.grove;

import dev.grove.internal.PathSyntax;
import dev.grove.internal.StoreDir;

import java.util.HexFormat;
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
        int hash = text.indexOf('#');
        if (hash < 0 || text.length() - hash - 1 < 16) {
            throw new InvalidPathException("malformed reference (expected path#16-hex-digit-id): ref=" + text);
        }
        long id;
        try {
            id = HexFormat.fromHexDigitsToLong(text, hash + 1, hash + 17);
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException("malformed reference id: ref=" + text, e);
        }
        String rest = text.substring(hash + 17);
        long ticket = 0;
        if (rest.startsWith("~")) {
            ticket = ticket(rest, text);
            rest = rest.substring(17);
        }
        if (!rest.isEmpty() && rest.charAt(0) != '@') {
            throw new InvalidPathException("malformed reference (expected ~ or @ after the id): ref=" + text);
        }
        return withSuffix(text.substring(0, hash), wireChecked(id, ticket, text.substring(0, hash)), ticket, rest,
                text);
    }

    // ------------------------------------------------------------------ reference bytes

    /** Form byte, bits 7-6: a generated region name written as two numbers. */
    private static final int NUMERIC_NAME = 0x40;
    /** Form byte, bits 7-6: any other path, written as UTF-8 text with its indices. */
    private static final int TEXT_PATH = 0x80;
    /**
     * Form byte, bits 7-6: a generated region name, as for {@link #NUMERIC_NAME}, of a consumed-once reference
     * that names its region's generation by its ticket alone: the word after the form byte is the ticket mixed
     * with the path hash, and no region id travels (a ticket is only ever outstanding on one generation).
     */
    private static final int TICKETED_NAME = 0xC0;
    private static final int KIND_MASK = 0xC0;
    private static final int HAS_BOOT = 0x20;
    private static final int HAS_TICKET = 0x10;
    private static final int HAS_STORE = 0x08;
    /** Form byte, bits 2-0: how many indices follow a numeric name. */
    private static final int MAX_NUMERIC_INDICES = 7;
    /** Longer reference bytes are refused unread: a path is at most 200 name characters, a directory 4 KiB. */
    public static final int MAX_BYTES = 8192;

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
        PathSyntax.Parsed parsed = PathSyntax.parse(path);
        long[] name = numericName(parsed.name());
        boolean numeric = name != null && parsed.indices().length <= MAX_NUMERIC_INDICES;
        byte[] dir = store == null ? null : store.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] text = numeric ? null : path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(64 + (text == null ? 0 : text.length)
                + (dir == null ? 0 : dir.length) + 10 * parsed.indices().length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // A consumed-once reference to a generated name sends its ticket where the region id would go.
        boolean ticketed = numeric && ticket != 0;
        int kind = ticketed ? TICKETED_NAME : numeric ? NUMERIC_NAME : TEXT_PATH;
        out.put((byte) (kind | (numeric ? parsed.indices().length : 0) | (boot != 0 ? HAS_BOOT : 0)
                | (ticket != 0 ? HAS_TICKET : 0) | (dir != null ? HAS_STORE : 0)));
        out.putLong(ticketed ? ticket ^ pathHash(path) : wireId());
        if (numeric) {
            putVarLong(out, name[0]);
            out.putLong(name[1]);
            for (long index : parsed.indices()) {
                putVarLong(out, index);
            }
        } else {
            putVarLong(out, text.length);
            out.put(text);
        }
        if (boot != 0) {
            out.putInt(boot);
        }
        if (ticket != 0 && !ticketed) {
            out.putLong(ticket);
        }
        if (dir != null) {
            putVarLong(out, dir.length);
            out.put(dir);
        }
        if (out.position() > MAX_BYTES) {
            // Refused when written, not only when read: a message that can never be read back is a bug to report.
            throw new InvalidPathException("reference too long for reference bytes: path=" + path + " length="
                    + out.position() + " max=" + MAX_BYTES);
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /**
     * Reads what {@link #toBytes()} wrote, all of it and nothing more: an equal reference, except that a
     * consumed-once reference to a generated name reads back with region id 0 (its ticket stands for it).
     *
     * @throws InvalidPathException if the bytes are not one reference in that form
     */
    public static SharedRef fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new InvalidPathException("reference bytes too long: length=" + bytes.length + " max=" + MAX_BYTES);
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try {
            int form = in.get() & 0xFF;
            int kind = form & KIND_MASK;
            int indices = form & MAX_NUMERIC_INDICES;
            boolean ticketed = kind == TICKETED_NAME;
            if (kind == 0 || (kind == TEXT_PATH && indices != 0) || (ticketed && (form & HAS_TICKET) == 0)) {
                throw new InvalidPathException("unknown reference form: form=0x" + Integer.toHexString(form));
            }
            long word = in.getLong();
            String path;
            if (kind != TEXT_PATH) {
                long pid = getVarLong(in);
                StringBuilder sb = new StringBuilder(48).append('/').append(StoreDir.generatedName(pid, in.getLong()));
                for (int i = 0; i < indices; i++) {
                    long index = getVarLong(in);
                    if (index < 0) {
                        throw new InvalidPathException("reference index out of range: index=" + Long.toUnsignedString(index));
                    }
                    sb.append('[').append(index).append(']');
                }
                path = sb.toString();
            } else {
                path = utf8(in, "path");
            }
            PathSyntax.parse(path);
            int boot = (form & HAS_BOOT) != 0 ? nonZero(in.getInt(), "boot mark") : 0;
            long ticket = ticketed ? nonZero(word ^ pathHash(path), "ticket")
                    : (form & HAS_TICKET) != 0 ? nonZero(in.getLong(), "ticket") : 0;
            String store = (form & HAS_STORE) != 0 ? utf8(in, "store") : null;
            if (in.hasRemaining()) {
                throw new InvalidPathException("trailing reference bytes: path=" + path + " trailing=" + in.remaining());
            }
            if (store != null && !store.startsWith("/")) {
                throw new InvalidPathException("reference store is not an absolute directory: path=" + path + " store=" + store);
            }
            return new SharedRef(path, ticketed ? 0 : wireChecked(word ^ pathHash(path), ticket, path), boot, store,
                    ticket);
        } catch (java.nio.BufferUnderflowException e) {
            throw new InvalidPathException("truncated reference bytes: length=" + bytes.length, e);
        }
    }

    /** {@code pid} and random bits of a name {@link StoreDir#newName()} made, or null for any other name. */
    private static long[] numericName(String name) {
        int p = StoreDir.NAME_PREFIX.length();
        int sep = name.length() - 17;
        if (!name.startsWith(StoreDir.NAME_PREFIX) || sep <= p || sep - p > 16 || name.charAt(sep) != '_') {
            return null;
        }
        try {
            long pid = Long.parseUnsignedLong(name, p, sep, 16);
            long random = HexFormat.fromHexDigitsToLong(name, sep + 1, name.length());
            // Only names the numbers spell back exactly (lower case, no leading zeros) are written as numbers.
            return name.equals(StoreDir.generatedName(pid, random)) ? new long[] {pid, random} : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void putVarLong(java.nio.ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) (v | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static long getVarLong(java.nio.ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new InvalidPathException("reference number longer than 10 bytes");
    }

    private static String utf8(java.nio.ByteBuffer in, String what) {
        long n = getVarLong(in);
        if (n < 0 || n > in.remaining()) {
            throw new InvalidPathException("reference " + what + " runs past the end: length=" + n + " left=" + in.remaining());
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static <T extends Number> T nonZero(T v, String what) {
        if (v.longValue() == 0) {
            throw new InvalidPathException("reference " + what + " written as 0: " + what.replace(' ', '_') + "=0");
        }
        return v;
    }

    /** The ticket in {@code ~} and 16 hex digits at the start of {@code part}, never 0. */
    private static long ticket(String part, String whole) {
        try {
            long t = part.length() >= 17 ? HexFormat.fromHexDigitsToLong(part, 1, 17) : 0;
            if (t != 0) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException("malformed reference ticket: ref=" + whole, e);
        }
        throw new InvalidPathException("malformed reference ticket (expected ~ and 16 hex digits, not all 0): ref=" + whole);
    }

    /**
     * A reference as serializers read it back: {@code wireText} and {@code wireId} are what
     * {@link #wireText()} and {@link #wireId()} gave the writer (a bare path from writers before boots and
     * stores were carried).
     *
     * @throws InvalidPathException if the text is malformed
     */
    public static SharedRef fromWire(String wireText, long wireId) {
        int at = wireText.indexOf('@');
        String head = at < 0 ? wireText : wireText.substring(0, at);
        int tilde = head.indexOf('~');
        String path = tilde < 0 ? head : head.substring(0, tilde);
        long ticket = 0;
        if (tilde >= 0) {
            if (head.length() - tilde != 17) {
                throw new InvalidPathException("malformed reference ticket (expected ~ and 16 hex digits): ref=" + wireText);
            }
            ticket = ticket(head.substring(tilde), wireText);
        }
        return withSuffix(path, wireChecked(wireId ^ pathHash(path), ticket, path), ticket,
                at < 0 ? "" : wireText.substring(at), wireText);
    }

    /**
     * {@code id} as read from the wire. Region ids are never 0 and only a consumed-once reference may travel
     * without one (its ticket then names the region's generation), so a 0 there is damage or forgery: a
     * reference checked by nothing would map whatever region later takes the name.
     */
    private static long wireChecked(long id, long ticket, String path) {
        if (id == 0 && ticket == 0) {
            throw new InvalidPathException("reference without region id or ticket: path=" + path + " id=0");
        }
        return id;
    }

    /** {@code suffix} is empty, {@code @boot} or {@code @boot@directory}. */
    private static SharedRef withSuffix(String path, long id, long ticket, String suffix, String whole) {
        PathSyntax.parse(path);
        if (suffix.isEmpty()) {
            return new SharedRef(path, id, 0, null, ticket);
        }
        if (suffix.length() < 9 || (suffix.length() > 9 && suffix.charAt(9) != '@')) {
            throw new InvalidPathException("malformed reference boot mark (expected @ and 8 hex digits): ref=" + whole);
        }
        int boot;
        try {
            boot = HexFormat.fromHexDigits(suffix, 1, 9);
        } catch (IllegalArgumentException e) {
            throw new InvalidPathException("malformed reference boot mark: ref=" + whole, e);
        }
        String store = suffix.length() > 10 ? suffix.substring(10) : null;
        if (store != null && !store.startsWith("/")) {
            throw new InvalidPathException("reference store is not an absolute directory: ref=" + whole + " store=" + store);
        }
        return new SharedRef(path, id, boot, store, ticket);
    }

    /**
     * The reference as serializers write it beside {@link #wireId()}: the path, then {@code ~ticket} for a
     * consumed-once reference, then {@code @boot} and, for a store other than the default one,
     * {@code @directory}.
     */
    public String wireText() {
        String head = ticket == 0 ? path : path + "~" + HexFormat.of().toHexDigits(ticket);
        if (boot == 0 && store == null) {
            return head;
        }
        return head + "@" + HexFormat.of().toHexDigits(boot) + (store == null ? "" : "@" + store);
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
        return path + "#" + HexFormat.of().toHexDigits(regionId) + wireText().substring(path.length());
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

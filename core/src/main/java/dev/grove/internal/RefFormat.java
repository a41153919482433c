package dev.grove.internal;

import dev.grove.InvalidPathException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A reference's two encodings (docs/FORMAT.md, "References on the wire"): its text ({@code path#id~ticket@boot@directory})
 * and its reference bytes (a form byte, a word, a generated name as two numbers or any path as text, then the
 * boot mark, the ticket and the store). Next to {@link Format} because both are wire formats another language
 * reads from the document alone; the API's {@code SharedRef} holds a reference's parts and hands them here.
 * Everything here refuses what the document refuses, with {@link InvalidPathException}.
 */
public final class RefFormat {
    private RefFormat() {
    }

    /**
     * A reference's parts: its path, region id (0 for a consumed-once reference read from bytes), boot mark (0:
     * unknown), store directory (null: the default store) and consumed-once ticket (0: fan-out).
     */
    public record Parts(String path, long regionId, int boot, String store, long ticket) {
    }

    // ------------------------------------------------------------------ text

    /** Parses {@link #text}'s form. */
    public static Parts parse(String text) {
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

    /** The text form: {@code path#id}, then {@code ~ticket}, {@code @boot} and {@code @directory} as present. */
    public static String text(Parts r) {
        return r.path() + "#" + HexFormat.of().toHexDigits(r.regionId()) + wireText(r).substring(r.path().length());
    }

    /** The text serializers write beside {@link #wireId}: {@link #text} without {@code #id}. */
    public static String wireText(Parts r) {
        String head = r.ticket() == 0 ? r.path() : r.path() + "~" + HexFormat.of().toHexDigits(r.ticket());
        if (r.boot() == 0 && r.store() == null) {
            return head;
        }
        return head + "@" + HexFormat.of().toHexDigits(r.boot()) + (r.store() == null ? "" : "@" + r.store());
    }

    /** The id serializers write: the region id mixed with a hash of the path. */
    public static long wireId(Parts r) {
        return r.regionId() ^ pathHash(r.path());
    }

    /** What serializers read back: {@link #wireText} and {@link #wireId} as written. */
    public static Parts fromWire(String wireText, long wireId) {
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
    private static Parts withSuffix(String path, long id, long ticket, String suffix, String whole) {
        PathSyntax.parse(path);
        if (suffix.isEmpty()) {
            return new Parts(path, id, 0, null, ticket);
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
        return new Parts(path, id, boot, store, ticket);
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

    /** The reference bytes of {@code r}. */
    public static byte[] toBytes(Parts r) {
        String path = r.path();
        String store = r.store();
        long ticket = r.ticket();
        int boot = r.boot();
        PathSyntax.Parsed parsed = PathSyntax.parse(path);
        long[] name = numericName(parsed.name());
        boolean numeric = name != null && parsed.indices().length <= MAX_NUMERIC_INDICES;
        byte[] dir = store == null ? null : store.getBytes(StandardCharsets.UTF_8);
        byte[] text = numeric ? null : path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(64 + (text == null ? 0 : text.length)
                + (dir == null ? 0 : dir.length) + 10 * parsed.indices().length).order(ByteOrder.LITTLE_ENDIAN);
        // A consumed-once reference to a generated name sends its ticket where the region id would go.
        boolean ticketed = numeric && ticket != 0;
        int kind = ticketed ? TICKETED_NAME : numeric ? NUMERIC_NAME : TEXT_PATH;
        out.put((byte) (kind | (numeric ? parsed.indices().length : 0) | (boot != 0 ? HAS_BOOT : 0)
                | (ticket != 0 ? HAS_TICKET : 0) | (dir != null ? HAS_STORE : 0)));
        out.putLong(ticketed ? ticket ^ pathHash(path) : wireId(r));
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

    /** Reads what {@link #toBytes} wrote, all of it and nothing more. */
    public static Parts fromBytes(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new InvalidPathException("reference bytes too long: length=" + bytes.length + " max=" + MAX_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
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
            return new Parts(path, ticketed ? 0 : wireChecked(word ^ pathHash(path), ticket, path), boot, store,
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

    private static void putVarLong(ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) (v | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static long getVarLong(ByteBuffer in) {
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

    private static String utf8(ByteBuffer in, String what) {
        long n = getVarLong(in);
        if (n < 0 || n > in.remaining()) {
            throw new InvalidPathException("reference " + what + " runs past the end: length=" + n + " left=" + in.remaining());
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
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

    private static long pathHash(String path) {
        return Hashing.fnv1a(path.getBytes(StandardCharsets.UTF_8));
    }
}

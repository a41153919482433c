package dev.grove.internal;

import dev.grove.RegionCorruptException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The region file format, version 2 (specified in {@code docs/FORMAT.md}): the only place that defines
 * byte offsets, of the header, the lifetime block, a node's header and each kind of node's payload. {@code Node}
 * reads and {@code Encoder} writes nodes through these constants; {@code Creation} writes a node's header
 * through them and its leading words (a matrix's rows and columns) in order after it; no other class adds
 * offsets of its own (views reach payloads through {@code Node}). A region is a 64-byte header, a 64-byte lifetime block that processes holding the region
 * change in place (outside every checksum), then 8-byte aligned nodes written children first, so every
 * child offset is smaller than its parent's and a corrupt file cannot form a cycle. Version 1 files (the
 * header alone, nodes from offset 64) are still read.
 */
public final class Format {
    private Format() {
    }

    /** "GROVE", NUL, CR, LF: the NUL and line ending catch text-mode mangling. */
    public static final long MAGIC = 0x0A0D_0045_564F_5247L;
    public static final int VERSION = 2;
    /** The first version: no lifetime block, nodes from offset 64. Read, never written. */
    public static final int VERSION_1 = 1;
    public static final int LITTLE_ENDIAN = 1;
    /** Where the body starts in what Grove writes: the header and the lifetime block. */
    public static final int HEADER_SIZE = 128;
    /** The checksummed header alone (all of a version 1 header). */
    public static final int FIXED_HEADER = 64;
    public static final int NODE_HEADER = 16;

    public static final int FLAG_SEALED = 1;
    public static final int FLAG_WRITABLE = 2;
    /** The body checksum field is valid. */
    public static final int FLAG_CHECKSUM = 4;

    // Header field offsets.
    static final long H_MAGIC = 0, H_VERSION = 8, H_ORDER = 10, H_FLAGS = 11, H_HEADER_SIZE = 12,
            H_SIZE = 16, H_ID = 24, H_ROOT = 32, H_CREATED = 40, H_PID = 48, H_BODY_CRC = 52,
            H_RESERVED = 56, H_CRC = 60;
    // Lifetime block offsets (version 2): changed in place by holders, atomically, never checksummed.
    static final long L_ONCE_TICKET = 64, L_ONCE_DEADLINE = 72;
    // Node header offsets, from the node's start: tag (u32), aux (u32), payload length (u64).
    static final long N_TAG = 0, N_AUX = 4, N_LENGTH = 8;
    /** A scalar's payload: the value, then zeros up to 8 bytes. */
    static final long SCALAR_BYTES = 8;

    // Payload offsets, from the start of a node's payload (docs/FORMAT.md, "Nodes").
    /** The first word of every container: list children, map entries, strings, matrix rows; a table's rows. */
    static final long COUNT_AT = 0;
    /** A list's child offsets. */
    static final long LIST_CHILDREN_AT = 8;
    /** A map's key array offset, then its value offsets; then its slot count and hash table ({@link #mapSlotsAt}). */
    static final long MAP_KEYS_AT = 8, MAP_CHILDREN_AT = 16;
    /** A table's column count, its column-name array offset, then its column offsets. */
    static final long TABLE_COLS_AT = 8, TABLE_NAMES_AT = 16, TABLE_CHILDREN_AT = 24;
    /** A matrix's column count, then its elements, row after row. */
    static final long MATRIX_COLS_AT = 8, MATRIX_DATA_AT = 16;
    /** A string array's n + 1 string starts, then the strings' bytes ({@link #stringBytesAt}). */
    static final long STRING_STARTS_AT = 8;

    /** Where a map of {@code n} entries keeps its slot count; its table of 4-byte slots follows it. */
    static long mapSlotsAt(long n) {
        return MAP_CHILDREN_AT + 8 * n;
    }

    /** Where the hash table of a map of {@code n} entries starts. */
    static long mapTableAt(long n) {
        return mapSlotsAt(n) + 8;
    }

    /** Where the bytes of a string array of {@code n} strings start. */
    static long stringBytesAt(long n) {
        return STRING_STARTS_AT + 8 * (n + 1);
    }
    private static final java.lang.invoke.VarHandle WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN)
            .varHandle();


    // Node tags. Array tag = scalar tag + 16.
    public static final int BOOLEAN = 1, BYTE = 2, CHAR = 3, SHORT = 4, INT = 5, LONG = 6, FLOAT = 7, DOUBLE = 8;
    public static final int STRING = 9;
    public static final int ARRAY = 16;
    public static final int BOOLEAN_ARRAY = 17, BYTE_ARRAY = 18, CHAR_ARRAY = 19, SHORT_ARRAY = 20,
            INT_ARRAY = 21, LONG_ARRAY = 22, FLOAT_ARRAY = 23, DOUBLE_ARRAY = 24;
    public static final int STRING_ARRAY = 25, LIST = 26, MAP = 27, TABLE = 28, MATRIX = 29;

    /** Aux bit of STRING and STRING_ARRAY: some string holds an unpaired surrogate (WTF-8 bytes). */
    public static final int AUX_WTF8 = 1;
    /** Bit 63 of a string array offset entry: the element is null. */
    public static final long NULL_STRING = Long.MIN_VALUE;

    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Bytes per element of a scalar or array tag. */
    public static int elementSize(int tag) {
        ElementType t = ElementType.ofTag(tag);
        if (t == null) {
            throw new IllegalArgumentException("not a primitive tag: " + tag);
        }
        return t.size();
    }

    /** A matrix node's aux: 0 for double (what every version of Grove writes), else the element's scalar tag. */
    public static int matrixAux(ElementType t) {
        return t == ElementType.DOUBLE ? 0 : t.tag;
    }

    /** The element type a matrix node's aux names, or null if it names none (DOUBLE's own tag included). */
    public static ElementType matrixElement(int aux) {
        return aux == 0 ? ElementType.DOUBLE : aux >= BOOLEAN && aux < DOUBLE ? ElementType.ofTag(aux) : null;
    }

    public static boolean isScalar(int tag) {
        return tag >= BOOLEAN && tag <= DOUBLE;
    }

    public static boolean isPrimitiveArray(int tag) {
        return tag >= BOOLEAN_ARRAY && tag <= DOUBLE_ARRAY;
    }

    public static String tagName(int tag) {
        ElementType t = ElementType.ofTag(tag);
        if (t != null) {
            return isScalar(tag) ? t.javaName() : t.javaName() + "[]";
        }
        return switch (tag) {
            case STRING -> "string";
            case STRING_ARRAY -> "string[]";
            case LIST -> "list";
            case MAP -> "map";
            case TABLE -> "table";
            case MATRIX -> "matrix";
            default -> "tag" + tag;
        };
    }

    public static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** What a region's header says, checked. */
    public record Header(int flags, long size, long id, long root, long createdMillis, int creatorPid, int bodyCrc,
                         long onceTicket, long onceDeadline) {
        public boolean sealed() {
            return (flags & FLAG_SEALED) != 0;
        }

        /** Unsealed and shared for writing by its creator: writers may map it, readers may not. */
        public boolean writable() {
            return (flags & FLAG_WRITABLE) != 0;
        }

        /**
         * Until when the region must be kept for a consumed-once reference that has not been released
         * ({@link #onceTicket} set), or 0.
         */
        public long onceKeepsUntil() {
            return onceTicket != 0 ? onceDeadline : 0;
        }
    }

    /** Writes a complete header (flags, sizes, ids) and its checksum. */
    public static void writeHeader(MemorySegment seg, int flags, long id, long root, int bodyCrc) {
        seg.set(U64, H_MAGIC, MAGIC);
        seg.set(U16, H_VERSION, (short) VERSION);
        seg.set(ValueLayout.JAVA_BYTE, H_ORDER, (byte) LITTLE_ENDIAN);
        seg.set(ValueLayout.JAVA_BYTE, H_FLAGS, (byte) flags);
        seg.set(U32, H_HEADER_SIZE, HEADER_SIZE);
        seg.set(U64, H_SIZE, seg.byteSize());
        seg.set(U64, H_ID, id);
        seg.set(U64, H_ROOT, root);
        seg.set(U64, H_CREATED, Clock.millis());
        seg.set(U32, H_PID, (int) ProcessHandle.current().pid());
        seg.set(U32, H_BODY_CRC, bodyCrc);
        seg.set(U32, H_RESERVED, 0);
        seg.set(U32, H_CRC, headerCrc(seg));
    }

    private static int headerCrc(MemorySegment seg) {
        CRC32C crc = new CRC32C();
        crc.update(seg.asSlice(0, H_CRC).asByteBuffer());
        return (int) crc.getValue();
    }

    /** CRC32C of the body: everything after the header (and the lifetime block, in version 2). */
    public static int bodyCrc(MemorySegment seg) {
        return Checksums.crc32c(seg.asSlice(bodyStart(seg)));
    }

    /** Where nodes may start in a region whose header has been checked: its header size. */
    public static long bodyStart(MemorySegment seg) {
        return seg.get(U32, H_HEADER_SIZE);
    }

    // ---------------------------------------------------------------- lifetime block

    /** Clears the lifetime block of a region being (re)made: no consumed-once reference outstanding. */
    static void clearLifetime(MemorySegment seg) {
        seg.asSlice(FIXED_HEADER, HEADER_SIZE - FIXED_HEADER).fill((byte) 0);
    }

    /** Whether a mapped region has a lifetime block (version 2). */
    public static boolean hasLifetime(MemorySegment seg) {
        return seg.get(U32, H_HEADER_SIZE) == HEADER_SIZE;
    }

    /**
     * Marks a consumed-once reference outstanding: {@code ticket} (non-zero), kept until {@code deadline}.
     * The mapping must be writable; the caller holds the region.
     *
     * @return false if another consumed-once reference is outstanding (the slot is taken)
     */
    static boolean claimOnce(MemorySegment seg, long ticket, long deadline) {
        // The deadline first: nobody may delete or reuse the region while the caller holds it, so an old
        // deadline beside the new ticket is never seen by anyone who acts on it.
        if (!hasLifetime(seg) || (long) WORD.getVolatile(seg, L_ONCE_TICKET) != 0) {
            return false;
        }
        WORD.setVolatile(seg, L_ONCE_DEADLINE, deadline);
        return WORD.compareAndSet(seg, L_ONCE_TICKET, 0L, ticket);
    }

    /** The outstanding consumed-once ticket, or 0. */
    static long onceTicket(MemorySegment seg) {
        return hasLifetime(seg) ? (long) WORD.getVolatile(seg, L_ONCE_TICKET) : 0;
    }

    /** Whether a consumed-once reference was ever issued on the region since it was made (released or not). */
    static boolean carriedOnce(MemorySegment seg) {
        return hasLifetime(seg) && (long) WORD.getVolatile(seg, L_ONCE_DEADLINE) != 0;
    }

    /** Until when an outstanding consumed-once reference keeps the region, or 0 if none is outstanding. */
    static long onceKeepsUntil(MemorySegment seg) {
        return onceTicket(seg) != 0 ? (long) WORD.getVolatile(seg, L_ONCE_DEADLINE) : 0;
    }

    /**
     * Releases the consumed-once reference {@code ticket}: clears the slot if it still holds that ticket.
     *
     * @return false if it does not (released already, never issued, or another reference's ticket)
     */
    static boolean releaseOnce(MemorySegment seg, long ticket) {
        return ticket != 0 && hasLifetime(seg) && WORD.compareAndSet(seg, L_ONCE_TICKET, ticket, 0L);
    }

    /**
     * Recomputes the body checksum of a sealed region and compares it with the header's.
     *
     * @throws RegionCorruptException on a mismatch, or if the region was sealed without a checksum
     */
    public static void verifyBody(MemorySegment seg, String name) {
        Header h = readHeader(seg, seg.byteSize(), name);
        if ((h.flags() & FLAG_CHECKSUM) == 0) {
            throw new RegionCorruptException("region has no body checksum to verify: region=/" + name);
        }
        int actual;
        try {
            actual = bodyCrc(seg); // pieces checksummed on other threads rethrow their fault here
        } catch (InternalError e) {
            throw new RegionCorruptException("region file truncated or unreadable while mapped: region=/" + name, e);
        } catch (RuntimeException e) {
            // Some access paths report the fault as the cause of another exception.
            if (e.getCause() instanceof InternalError ie) {
                throw new RegionCorruptException("region file truncated or unreadable while mapped: region=/" + name, ie);
            }
            throw e;
        }
        if (actual != h.bodyCrc()) {
            throw new RegionCorruptException("body checksum mismatch: region=/" + name + " stored=0x"
                    + Integer.toHexString(h.bodyCrc()) + " computed=0x" + Integer.toHexString(actual));
        }
    }

    /** Refuses a region file too small to hold a header (before anything maps or reads it). */
    public static void checkHoldsHeader(long fileSize, String name) {
        if (fileSize < FIXED_HEADER) {
            throw new RegionCorruptException("region too small to hold a header: region=/" + name + " size=" + fileSize
                    + " header.size=" + FIXED_HEADER);
        }
    }

    /**
     * Reads and checks the header at the start of {@code seg} (the mapped region, or just its first
     * {@link #HEADER_SIZE} bytes) of a region file of {@code fileSize} bytes: magic, version, byte order, checksum, the size
     * against the file's size, and the root offset against the size.
     */
    public static Header readHeader(MemorySegment seg, long fileSize, String name) {
        String where = "region=/" + name;
        checkHoldsHeader(fileSize, name);
        long magic = seg.get(U64, H_MAGIC);
        if (magic != MAGIC) {
            throw new RegionCorruptException("not a Grove region (wrong magic): " + where + " magic=0x"
                    + Long.toHexString(magic) + " expected=0x" + Long.toHexString(MAGIC));
        }
        int version = Short.toUnsignedInt(seg.get(U16, H_VERSION));
        if (version != VERSION && version != VERSION_1) {
            throw new RegionCorruptException("unsupported format version: " + where + " version=" + version
                    + " supported=" + VERSION_1 + "," + VERSION);
        }
        int stored = seg.get(U32, H_CRC);
        int actual = headerCrc(seg);
        if (stored != actual) {
            throw new RegionCorruptException("header checksum mismatch: " + where + " stored=0x"
                    + Integer.toHexString(stored) + " computed=0x" + Integer.toHexString(actual));
        }
        int order = seg.get(ValueLayout.JAVA_BYTE, H_ORDER);
        int headerSize = seg.get(U32, H_HEADER_SIZE);
        if (order != LITTLE_ENDIAN || headerSize != (version == VERSION ? HEADER_SIZE : FIXED_HEADER)) {
            throw new RegionCorruptException("unsupported header: " + where + " byteOrder=" + order
                    + " headerSize=" + headerSize);
        }
        long size = seg.get(U64, H_SIZE);
        if (size != fileSize || size < headerSize) {
            throw new RegionCorruptException("region size does not match its file (truncated?): " + where
                    + " header.size=" + size + " file.size=" + fileSize);
        }
        if ((size & 7) != 0) {
            throw new RegionCorruptException("region size is not a multiple of 8: " + where + " size=" + size);
        }
        long root = seg.get(U64, H_ROOT);
        int flags = seg.get(ValueLayout.JAVA_BYTE, H_FLAGS) & 0xFF;
        if ((flags & ~(FLAG_SEALED | FLAG_CHECKSUM | FLAG_WRITABLE)) != 0) {
            throw new RegionCorruptException("unknown or reserved header flags set: " + where + " flags=0x"
                    + Integer.toHexString(flags) + " allowed=0x"
                    + Integer.toHexString(FLAG_SEALED | FLAG_CHECKSUM | FLAG_WRITABLE));
        }
        if ((flags & FLAG_SEALED) != 0 && (flags & FLAG_WRITABLE) != 0) {
            throw new RegionCorruptException("a sealed region marked writable: " + where + " flags=0x"
                    + Integer.toHexString(flags));
        }
        if ((flags & FLAG_SEALED) != 0 && seg.get(U64, H_ID) == 0) {
            // Id 0 marks a spare, which is never sealed; a sealed region with it would match any reference.
            throw new RegionCorruptException("sealed region with region id 0: " + where);
        }
        int reserved = seg.get(U32, H_RESERVED);
        if (reserved != 0) {
            throw new RegionCorruptException("reserved header field is not 0: " + where + " reserved=0x"
                    + Integer.toHexString(reserved));
        }
        if ((flags & (FLAG_SEALED | FLAG_WRITABLE)) != 0 && (root < headerSize || root > size - NODE_HEADER || (root & 7) != 0)) {
            throw new RegionCorruptException("root offset outside the region: " + where + " root=" + root
                    + " size=" + size);
        }
        boolean block = version == VERSION;
        return new Header(flags, size, seg.get(U64, H_ID), root, seg.get(U64, H_CREATED), seg.get(U32, H_PID),
                seg.get(U32, H_BODY_CRC), block ? seg.get(U64, L_ONCE_TICKET) : 0,
                block ? seg.get(U64, L_ONCE_DEADLINE) : 0);
    }
}

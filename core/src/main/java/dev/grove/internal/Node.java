package dev.grove.internal;

import dev.grove.RegionCorruptException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.grove.internal.Format.*;

/**
 * One node of a mapped region, checked: its header fits inside the region, its tag is known, and its
 * length agrees with its tag and counts. Everything a view reads goes through here first, so a corrupt
 * file raises {@link RegionCorruptException} rather than reading out of bounds.
 */
public final class Node {
    private final MemorySegment seg;
    private final String path;
    private final long offset;
    private final int tag;
    private final int aux;
    private final long length;
    private final int depth;
    /**
     * Exclusive lower bound of every offset in this node's subtree: the last byte of the previous non-null
     * sibling (its padded end less one), or the parent's own bound. With children in increasing order, each subtree gets its own span of
     * the region, so no node is reachable along two paths and every traversal is linear in the region size.
     */
    private final long low;

    private Node(MemorySegment seg, String path, long offset, int tag, int aux, long length, int depth, long low) {
        this.depth = depth;
        this.low = low;
        this.seg = seg;
        this.path = path;
        this.offset = offset;
        this.tag = tag;
        this.aux = aux;
        this.length = length;
    }

    /**
     * The root node at {@code offset}, which must lie below {@code limit} (the region size).
     */
    public static Node at(MemorySegment seg, long offset, long limit, String path) {
        return at(seg, offset, 0, limit, path, 0);
    }

    /**
     * The node at {@code offset}, which must lie above {@code low} and end (padding included) by {@code limit}
     * (its parent's offset, or the region size for the root): children come before parents, which rules out
     * cycles, and after their earlier siblings' subtrees, which rules out shared children and overlapping
     * payloads.
     */
    private static Node at(MemorySegment seg, long offset, long low, long limit, String path, int depth) {
        if (depth > Encoder.MAX_DEPTH + 1) {
            throw corrupt("nodes nested deeper than any writer produces", path, "depth=" + depth
                    + " max=" + Encoder.MAX_DEPTH);
        }
        long size = seg.byteSize();
        if (offset < Format.bodyStart(seg) || (offset & 7) != 0 || offset >= limit || offset > size - NODE_HEADER) {
            throw corrupt("node offset out of place", path, "offset=" + offset + " limit=" + limit + " size=" + size);
        }
        if (offset <= low) {
            throw corrupt("node shared with or before an earlier sibling's subtree", path,
                    "offset=" + offset + " low=" + low);
        }
        int tag = seg.get(U32, offset + N_TAG);
        int aux = seg.get(U32, offset + N_AUX);
        long length = seg.get(U64, offset + N_LENGTH);
        long room = size - offset - NODE_HEADER;
        if (length < 0 || length > room) {
            throw corrupt("node length outside the region", path,
                    "offset=" + offset + " length=" + length + " size=" + size);
        }
        if (length > limit - offset - NODE_HEADER) { // limit and offset are 8-aligned: so is the padded end
            throw corrupt("node overlaps the node that contains it", path,
                    "offset=" + offset + " length=" + length + " parent=" + limit);
        }
        Node n = new Node(seg, path, offset, tag, aux, length, depth, low);
        n.checkShape();
        return n;
    }

    private void checkShape() {
        int allowedAux = tag == STRING || tag == STRING_ARRAY ? AUX_WTF8 : 0;
        if (tag == MATRIX ? matrixElement(aux) == null : (aux & ~allowedAux) != 0) {
            throw corrupt(tag == MATRIX ? "unknown matrix element type" : "unknown aux bits set", path,
                    "offset=" + offset + " type=" + tagName(tag) + " aux=0x" + Integer.toHexString(aux));
        }
        checkPaddingIsZero();
        boolean ok;
        if (isScalar(tag)) {
            ok = length == 8;
            if (ok) {
                checkScalar();
            }
        } else if (isPrimitiveArray(tag)) {
            ok = length % elementSize(tag) == 0;
        } else {
            ok = switch (tag) {
                case STRING -> length <= Integer.MAX_VALUE - 8;
                case STRING_ARRAY -> length >= stringBytesAt(0) && count() >= 0 && count() <= (length - stringBytesAt(0)) / 8
                        && entry(count()) == length - stringBytesAt(count());
                case LIST -> length >= LIST_CHILDREN_AT && count() >= 0 && count() == (length - LIST_CHILDREN_AT) / 8
                        && length % 8 == 0;
                case MAP -> length >= mapTableAt(0) && count() >= 0 && count() <= (length - mapTableAt(0)) / 8 && mapShapeOk();
                case TABLE -> length >= TABLE_CHILDREN_AT && u64(TABLE_COLS_AT) >= 0
                        && u64(TABLE_COLS_AT) == (length - TABLE_CHILDREN_AT) / 8 && length % 8 == 0 && u64(COUNT_AT) >= 0;
                case MATRIX -> length >= MATRIX_DATA_AT && count() >= 0 && u64(MATRIX_COLS_AT) >= 0 && matrixShapeOk();
                default -> throw corrupt("unknown node tag", path, "offset=" + offset + " tag=" + tag);
            };
        }
        if (!ok) {
            throw corrupt("node length does not match its contents", path,
                    "offset=" + offset + " type=" + tagName(tag) + " length=" + length
                            + (length >= 8 && !isScalar(tag) && !isPrimitiveArray(tag) && tag != STRING
                            ? " count=" + count() : ""));
        }
        if (tag == TABLE && u64(TABLE_COLS_AT) == 0 && u64(COUNT_AT) != 0) {
            throw corrupt("table with no columns has rows", path, "offset=" + offset + " rows=" + u64(COUNT_AT));
        }
        if (tag == STRING_ARRAY && (entry(0) & ~NULL_STRING) != 0) {
            throw corrupt("first string does not start at 0", path, "offset=" + offset + " start=" + (entry(0) & ~NULL_STRING));
        }
    }

    /** The bytes after the payload up to the next 8-byte boundary (or the region's end) are zero. */
    private void checkPaddingIsZero() {
        long end = payload() + length;
        long next = Math.min(align8(end), seg.byteSize());
        for (long p = end; p < next; p++) {
            if (seg.get(ValueLayout.JAVA_BYTE, p) != 0) {
                throw corrupt("padding after a node is not zero", path, "offset=" + offset + " at=" + p);
            }
        }
    }

    /** A scalar's unused bytes are zero, and a boolean is 0 or 1. */
    private void checkScalar() {
        int size = elementType().size();
        for (long p = payload() + size; p < payload() + SCALAR_BYTES; p++) {
            if (seg.get(ValueLayout.JAVA_BYTE, p) != 0) {
                throw corrupt("scalar padding is not zero", path, "offset=" + offset + " at=" + p);
            }
        }
        byte b = seg.get(ValueLayout.JAVA_BYTE, payload());
        if (tag == BOOLEAN && (b & ~1) != 0) {
            throw corrupt("boolean that is neither 0 nor 1", path, "offset=" + offset + " value=" + b);
        }
    }

    private boolean mapShapeOk() {
        long n = count();
        long slots = mapSlots();
        // A non-empty map needs a power-of-two table with at least one empty slot, so probing ends.
        boolean tableOk = n == 0 ? slots == 0 : slots > n && slots <= (1L << 40) && Long.bitCount(slots) == 1;
        return tableOk && length == mapTableAt(n) + 4 * slots;
    }

    private boolean matrixShapeOk() {
        long rows = count();
        long cols = u64(MATRIX_COLS_AT);
        // Rows of zero columns take no bytes: bound them by the region size, or a damaged count would
        // make a reader walk billions of empty rows.
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || (cols == 0 && rows > seg.byteSize())) {
            return false;
        }
        try {
            return length == MATRIX_DATA_AT + Math.multiplyExact(Math.multiplyExact(count(), cols),
                    (long) matrixElement(aux).size());
        } catch (ArithmeticException e) {
            return false;
        }
    }

    static RegionCorruptException corrupt(String what, String path, String facts) {
        return new RegionCorruptException(what + ": path=" + path + " " + facts);
    }

    /** The u64 at {@code rel} bytes into the payload; callers have checked it lies inside. */
    private long u64(long rel) {
        return seg.get(U64, offset + NODE_HEADER + rel);
    }

    public MemorySegment segment() {
        return seg;
    }

    public String path() {
        return path;
    }

    public long offset() {
        return offset;
    }

    public int tag() {
        return tag;
    }

    public int aux() {
        return aux;
    }

    /** The element type of a scalar, a primitive array or a matrix; null for other nodes. */
    public ElementType elementType() {
        return tag == MATRIX ? matrixElement(aux) : ElementType.ofTag(tag);
    }

    /** Payload length in bytes. */
    public long length() {
        return length;
    }

    /** Region offset of the payload. */
    public long payload() {
        return offset + NODE_HEADER;
    }

    /** Number of elements: children of a list, map or table (columns), strings, array elements, matrix rows. */
    public long count() {
        if (isPrimitiveArray(tag)) {
            return length / elementSize(tag);
        }
        return tag == TABLE ? u64(TABLE_COLS_AT) : u64(COUNT_AT);
    }

    /** Region offset of the elements of a primitive array or a matrix (a matrix's follow its shape). */
    public long elementsStart() {
        return payload() + (tag == MATRIX ? MATRIX_DATA_AT : 0);
    }

    /** The elements of a primitive array or a matrix (row after row). */
    public MemorySegment elements() {
        return seg.asSlice(elementsStart(), payload() + length - elementsStart());
    }

    /** {@code bytes} bytes of the payload from {@code rel} on (views make their own slices read-only). */
    public MemorySegment payloadSlice(long rel, long bytes) {
        return seg.asSlice(payload() + rel, bytes);
    }

    // ---- lists, maps and tables: child offsets ----

    /** Offset of the table of child offsets within the payload. */
    private long childTable() {
        return switch (tag) {
            case LIST -> LIST_CHILDREN_AT;
            case MAP -> MAP_CHILDREN_AT;
            case TABLE -> TABLE_CHILDREN_AT;
            default -> throw new IllegalStateException("no children in " + tagName(tag));
        };
    }

    /** Child {@code i} of a list, map or table; null where the slot holds null (offset 0). */
    public Node child(long i, String childPath) {
        java.util.Objects.checkIndex(i, count());
        long off = u64(childTable() + 8 * i);
        if (off == 0 && tag == TABLE) {
            throw corrupt("null table column", childPath, "offset=" + offset);
        }
        return off == 0 ? null : at(seg, off, lowBefore(i), offset, childPath, depth + 1);
    }

    /**
     * What child {@code i}'s subtree must lie above: the last byte of the last non-null child before slot
     * {@code i} (its padded end, less one), or this node's own bound. Scans back over nulls only, so a pass over
     * all children is linear. An earlier child's offset or length out of range is that child's to report, when
     * it is read; its offset alone then bounds the later ones, as before lengths were checked here.
     */
    private long lowBefore(long i) {
        for (long j = i - 1; j >= 0; j--) {
            long off = u64(childTable() + 8 * j);
            if (off != 0) {
                long size = seg.byteSize();
                if (off < 0 || (off & 7) != 0 || off > size - NODE_HEADER) {
                    return off;
                }
                long length = seg.get(U64, off + N_LENGTH);
                return length < 0 || length > size - off - NODE_HEADER ? off : off + NODE_HEADER + align8(length) - 1;
            }
        }
        return low;
    }

    /**
     * The string array of a map's keys or a table's column names, written after the last child. A table's
     * names must be distinct and not null; a map's keys not null.
     */
    public Node names() {
        long off = tag == MAP ? u64(MAP_KEYS_AT) : u64(TABLE_NAMES_AT);
        Node n = at(seg, off, lowBefore(count()), offset, path + "#names", depth + 1);
        if (n.tag != STRING_ARRAY || n.count() != count()) {
            throw corrupt("names are not a string array of the right length", path,
                    "offset=" + off + " type=" + tagName(n.tag) + " count=" + n.count());
        }
        for (long i = 0; i < n.count(); i++) {
            if (n.isNullString(i)) {
                throw corrupt(tag == MAP ? "null map key" : "null column name", path, "index=" + i);
            }
        }
        if (tag == TABLE) {
            java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
            for (long i = 0; i < n.count(); i++) {
                String name = n.wellFormedString(i, path + "#names[" + i + "]");
                if (!seen.add(java.nio.ByteBuffer.wrap(n.stringBytes(i)))) {
                    throw corrupt("duplicate column name", path, "index=" + i + " name=" + name);
                }
            }
        }
        return n;
    }

    /** Number of rows of a table or matrix. */
    public long rows() {
        return tag == TABLE ? u64(COUNT_AT) : count();
    }

    /** Number of columns of a table or matrix. */
    public long cols() {
        return u64(tag == TABLE ? TABLE_COLS_AT : MATRIX_COLS_AT);
    }

    // ---- maps: hash index ----

    public long mapSlots() {
        return u64(mapSlotsAt(count()));
    }

    /** Entry index stored in hash slot {@code s}, or -1 for an empty slot. */
    public long mapSlot(long s) {
        long v = Integer.toUnsignedLong(seg.get(U32, payload() + mapTableAt(count()) + 4 * s)) - 1;
        if (v >= count()) {
            throw corrupt("map index entry out of range", path, "slot=" + s + " entry=" + v + " count=" + count());
        }
        return v;
    }

    // ---- string arrays ----

    private long entry(long i) {
        return u64(STRING_STARTS_AT + 8 * i);
    }

    /** Whether string {@code i} is null; a null takes no bytes (its start is the next string's). */
    public boolean isNullString(long i) {
        long e = entry(i);
        if ((e & NULL_STRING) == 0) {
            return false;
        }
        if ((e & ~NULL_STRING) != (entry(i + 1) & ~NULL_STRING)) {
            throw corrupt("null string that takes bytes", path + "[" + i + "]", "start=" + (e & ~NULL_STRING)
                    + " next=" + (entry(i + 1) & ~NULL_STRING));
        }
        return true;
    }

    /** Region offset of string {@code i}'s bytes; {@link #stringLength} gives their count. */
    public long stringStart(long i) {
        return payload() + stringBytesAt(count()) + (entry(i) & ~NULL_STRING);
    }

    /** Byte length of string {@code i}, checked against its neighbours and the payload. */
    public int stringLength(long i) {
        long n = count();
        long start = entry(i) & ~NULL_STRING;
        long end = entry(i + 1) & ~NULL_STRING;
        long bytes = length - stringBytesAt(n);
        if (start > end || end > bytes || end - start > Integer.MAX_VALUE - 8) {
            throw corrupt("string bounds outside the array", path + "[" + i + "]",
                    "start=" + start + " end=" + end + " bytes=" + bytes);
        }
        return (int) (end - start);
    }

    /** String {@code i} of a string array, or null. */
    public String string(long i, String elementPath) {
        if (isNullString(i)) {
            return null;
        }
        int len = stringLength(i);
        return Wtf8.decode(seg, stringStart(i), len, (aux & AUX_WTF8) != 0, elementPath);
    }

    /**
     * {@link #checkMapIndex}, once per map of a region in this process. A sealed region's bytes never change
     * and a reused file gets a new id, so the answer holds for every later mapping of the same region: a
     * store that maps the same index on every open (the lazy store) checks its thousands of keys once, not
     * on each open. What this trusts: that nothing rewrites a sealed region file in place under the same
     * id (only its owner could, and {@code verify} still reads every byte against the checksum).
     */
    public void checkMapIndexOnce(Node keys, long regionId) {
        java.util.List<Long> key = java.util.List.of(regionId, payload());
        java.util.Set<java.util.List<Long>> checked = LocalRegions.PROCESS.checkedMaps;
        if (checked.contains(key)) {
            return;
        }
        checkMapIndex(keys);
        if (checked.size() >= 4096) {
            checked.clear(); // a bound, not a cache policy: the check is only repeated
        }
        checked.add(key);
    }

    /**
     * Checks a map's hash index against its keys, in one pass over the slots: every entry in exactly one
     * slot, each reached by probing from its key's home slot without meeting an empty slot, and no key
     * twice. A map view calls it once, before its first lookup, so that a damaged index is reported rather
     * than answered wrongly.
     */
    public void checkMapIndex(Node keys) {
        long n = count();
        long slots = mapSlots();
        if (n == 0) {
            return;
        }
        long mask = slots - 1;
        long empty = 0;
        while (mapSlot(empty) >= 0) {
            empty++; // a valid table has an empty slot; mapSlot fails past the end of a damaged one
            if (empty == slots) {
                throw corrupt("map index has no empty slot", path, "slots=" + slots + " count=" + n);
            }
        }
        java.util.BitSet seen = new java.util.BitSet();
        java.util.Set<java.nio.ByteBuffer> names = new java.util.HashSet<>();
        long runStart = (empty + 1) & mask;
        for (long k = 1; k < slots; k++) {
            long s = (empty + k) & mask;
            long e = mapSlot(s);
            if (e < 0) {
                runStart = (s + 1) & mask;
                continue;
            }
            if (seen.get((int) e)) {
                throw corrupt("map index holds an entry twice", path, "entry=" + e + " slot=" + s);
            }
            seen.set((int) e);
            String key = keys.wellFormedString(e, path + "#keys[" + e + "]");
            byte[] raw = keys.stringBytes(e);
            if (!names.add(java.nio.ByteBuffer.wrap(raw))) {
                throw corrupt("duplicate map key", path, "entry=" + e + " key=" + key);
            }
            long home = Hashing.fnv1a(raw) & mask;
            if (((s - home) & mask) > ((s - runStart) & mask)) {
                throw corrupt("map entry not reachable from its key's home slot", path,
                        "entry=" + e + " slot=" + s + " home=" + home);
            }
        }
        if (seen.cardinality() != n) {
            throw corrupt("map index misses entries", path, "indexed=" + seen.cardinality() + " count=" + n);
        }
    }

    /** The stored bytes of string {@code i} of a string array (not null). */
    byte[] stringBytes(long i) {
        return seg.asSlice(stringStart(i), stringLength(i)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** String {@code i} of a string array (not null), refusing malformed bytes whatever the aux bit says. */
    String wellFormedString(long i, String elementPath) {
        return Wtf8.decodeStrict(seg, stringStart(i), (int) stringLength(i), (aux & AUX_WTF8) != 0, elementPath);
    }

    /** The value of a STRING node. */
    public String string() {
        return Wtf8.decode(seg, payload(), (int) length, (aux & AUX_WTF8) != 0, path);
    }
}

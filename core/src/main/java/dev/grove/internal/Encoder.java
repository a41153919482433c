package dev.grove.internal;

import dev.grove.UnsupportedTypeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.grove.internal.Format.*;

/**
 * Writes an object graph into a region in two passes. The first pass checks every value's type and
 * measures the region, so an unsupported value is reported before any file exists; the second writes
 * children before parents, copying each primitive array with one bulk copy.
 *
 * <p>Containers it accepts are described to it by {@link Shape}, so the public table and view types
 * stay out of this package.
 */
public final class Encoder {
    /** Deeper graphs are refused rather than overflowing the stack (a list that contains itself, say). */
    public static final int MAX_DEPTH = 512;

    /** What the encoder needs to know about the public types it does not own. */
    public interface Shape {
        /** A table's column names, or null if {@code v} is not a table. */
        List<String> tableNames(Object v);

        /** A table's column values, in name order. */
        List<Object> tableColumns(Object v);

        /** The element tag and read-only payload of an already shared primitive array, or null. */
        SharedArray sharedArray(Object v);

        /** Rows, columns and row-major payload of a shared matrix, or null. */
        SharedArray sharedMatrix(Object v);

        /** The text of a shared string, or null if {@code v} is not one. */
        String sharedString(Object v);
    }

    /**
     * A primitive array ({@code cols == 1}) or matrix that already lives in a region, with its element type:
     * copied with one bulk copy. With {@code data} null, the elements are left as they are: the caller writes
     * into a region whose body is zero already ({@code Creation.create(store, size, true)}), so a column its
     * writer fills afterwards is touched once, by that writer.
     */
    public record SharedArray(ElementType type, long rows, long cols, MemorySegment data) {
    }

    private final Shape shape;
    private MemorySegment out;
    private long cursor;
    /** Where the checksums of copied arrays go while writing, or null when the region is not checksummed. */
    private KnownCrcs known;

    private Encoder(Shape shape) {
        this.shape = shape;
    }

    /** One node to write, with everything measured. */
    private static final class Item {
        final int tag;
        ElementType type;
        int aux;
        long length;
        Object src;
        Item[] kids;
        Item names;
        byte[][] strings;
        long rows;
        long cols;
        long offset;

        Item(int tag) {
            this.tag = tag;
        }

        long footprint() {
            return NODE_HEADER + align8(length);
        }
    }

    /** A measured graph, ready to be written into a region of {@link #size()} bytes. */
    public static final class Plan {
        private final Encoder encoder;
        private final Item root;
        private final long size;

        private Plan(Encoder encoder, Item root, long size) {
            this.encoder = encoder;
            this.root = root;
            this.size = size;
        }

        public long size() {
            return size;
        }

        /** Writes every node into {@code region} (from offset 64) and returns the root offset. */
        public long writeTo(MemorySegment region) {
            return writeTo(region, null);
        }

        /**
         * As {@link #writeTo(MemorySegment)}, recording in {@code known} (if not null) the checksums of the
         * primitive arrays it copies, taken as it copies them.
         */
        public long writeTo(MemorySegment region, KnownCrcs known) {
            encoder.known = known;
            encoder.out = region;
            encoder.cursor = HEADER_SIZE;
            return encoder.write(root);
        }
    }

    /** Checks and measures {@code value}; throws {@link UnsupportedTypeException} naming the culprit. */
    public static Plan plan(Object value, Shape shape) {
        if (value == null) {
            throw new NullPointerException("cannot share null");
        }
        Encoder e = new Encoder(shape);
        List<Item> all = new ArrayList<>();
        Item root = e.plan(value, "root", 0, all);
        long size = HEADER_SIZE;
        for (Item it : all) {
            size += it.footprint();
        }
        return new Plan(e, root, size);
    }

    private Item plan(Object v, String pos, int depth, List<Item> all) {
        if (v == null) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            throw new UnsupportedTypeException("graph nested deeper than " + MAX_DEPTH
                    + " levels (a container that holds itself?): position=" + pos);
        }
        Item it = planOne(v, pos, depth, all);
        all.add(it);
        return it;
    }

    private Item planOne(Object v, String pos, int depth, List<Item> all) {
        ElementType scalar = ElementType.ofBoxed(v);
        if (scalar != null) {
            Item it = new Item(scalar.tag);
            it.type = scalar;
            it.length = SCALAR_BYTES;
            it.src = v;
            return it;
        }
        if (v instanceof String s) {
            return stringItem(s);
        }
        String shared = shape.sharedString(v);
        if (shared != null) {
            return stringItem(shared);
        }
        ElementType array = ElementType.ofArrayClass(v.getClass());
        if (array != null) {
            Item it = new Item(array.arrayTag());
            it.type = array;
            it.length = (long) java.lang.reflect.Array.getLength(v) * array.size();
            it.src = v;
            return it;
        }
        SharedArray sa = shape.sharedArray(v);
        if (sa != null) {
            Item it = new Item(sa.type().arrayTag());
            it.type = sa.type();
            it.length = sa.data() == null ? Math.multiplyExact(Math.multiplyExact(sa.rows(), sa.cols()), sa.type().size())
                    : sa.data().byteSize();
            it.src = sa.data() == null ? ZEROS : sa.data();
            return it;
        }
        SharedArray sm = shape.sharedMatrix(v);
        if (sm != null) {
            return matrixItem(sm.type(), sm.rows(), sm.cols(), sm.data());
        }
        if (v instanceof String[] strings) {
            return stringArrayItem(Arrays.asList(strings), pos);
        }
        ElementType rowType = v.getClass().isArray() ? ElementType.ofArrayClass(v.getClass().getComponentType()) : null;
        if (rowType != null) {
            return matrixItem(rowType, (Object[]) v, pos);
        }
        List<String> names = shape.tableNames(v);
        if (names != null) {
            return tableItem(names, shape.tableColumns(v), pos, depth, all);
        }
        if (v instanceof Map<?, ?> map) {
            return mapItem(map, pos, depth, all);
        }
        if (v instanceof List<?> list) {
            ElementType boxed = list.isEmpty() ? null : ElementType.ofBoxed(list.get(0));
            if (boxed != null && list.stream().allMatch(boxed.boxed::isInstance)) {
                // A list of one boxed type comes back as that type's array view: Integer stays Integer.
                Item it = new Item(boxed.arrayTag());
                it.type = boxed;
                it.length = (long) list.size() * boxed.size();
                it.src = list;
                return it;
            }
            if (!list.isEmpty() && list.stream().allMatch(x -> x == null || x instanceof String)) {
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) list;
                return stringArrayItem(strings, pos);
            }
            Item it = new Item(LIST);
            it.kids = new Item[list.size()];
            int i = 0;
            for (Object x : list) {
                it.kids[i] = plan(x, pos + "[" + i + "]", depth + 1, all);
                i++;
            }
            it.length = LIST_CHILDREN_AT + 8L * it.kids.length;
            return it;
        }
        throw new UnsupportedTypeException("cannot share a value of this type: position=" + pos + " class="
                + v.getClass().getName() + " (supported: primitive arrays, String, String[], boxed scalars,"
                + " List, Map with String keys, Table, rectangular matrices such as double[][] or int[][],"
                + " and Grove's views)");
    }

    private static Item stringItem(String s) {
        Item it = new Item(STRING);
        byte[] b = Wtf8.encode(s);
        it.aux = Wtf8.hasLoneSurrogate(s) ? AUX_WTF8 : 0;
        it.strings = new byte[][] {b};
        it.length = b.length;
        return it;
    }

    private static Item stringArrayItem(List<String> strings, String pos) {
        Item it = new Item(STRING_ARRAY);
        int n = strings.size();
        it.strings = new byte[n][];
        long bytes = 0;
        int i = 0;
        for (String s : strings) {
            if (s != null) {
                if (Wtf8.hasLoneSurrogate(s)) {
                    it.aux = AUX_WTF8;
                }
                it.strings[i] = Wtf8.encode(s);
                bytes += it.strings[i].length;
            }
            i++;
        }
        it.length = stringBytesAt(n) + bytes;
        return it;
    }

    private static Item matrixItem(ElementType type, Object[] m, String pos) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0] == null ? -1 : java.lang.reflect.Array.getLength(m[0]);
        for (int r = 0; r < rows; r++) {
            int len = m[r] == null ? -1 : java.lang.reflect.Array.getLength(m[r]);
            if (len != cols) {
                throw new UnsupportedTypeException("matrix rows must be non-null and of equal length: position="
                        + pos + "[" + r + "] row.length=" + (m[r] == null ? "null" : len) + " expected=" + cols);
            }
        }
        return matrixItem(type, rows, cols, m);
    }

    private static Item matrixItem(ElementType type, long rows, long cols, Object src) {
        Item it = new Item(MATRIX);
        it.type = type;
        it.aux = matrixAux(type);
        it.rows = rows;
        it.cols = cols;
        it.src = src;
        it.length = MATRIX_DATA_AT + rows * cols * type.size();
        return it;
    }

    private Item tableItem(List<String> names, List<Object> columns, String pos, int depth, List<Item> all) {
        Item it = new Item(TABLE);
        it.names = stringArrayItem(names, pos + "#names");
        all.add(it.names);
        it.kids = new Item[columns.size()];
        long rows = -1;
        for (int c = 0; c < it.kids.length; c++) {
            String cpos = pos + "[\"" + names.get(c) + "\"]";
            Object value = columns.get(c);
            Item col;
            if (value instanceof List<?> l && l.stream().allMatch(x -> x == null || x instanceof String)) {
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) l;
                col = stringArrayItem(strings, cpos);
                all.add(col);
            } else {
                col = plan(value, cpos, depth + 1, all);
            }
            long n = col == null ? -1 : col.tag == STRING_ARRAY ? col.strings.length
                    : isPrimitiveArray(col.tag) ? col.length / elementSize(col.tag) : -1;
            if (n < 0) {
                throw new UnsupportedTypeException("a table column must be a primitive array or String[]: position="
                        + cpos + " class=" + (value == null ? "null" : value.getClass().getName()));
            }
            if (rows >= 0 && n != rows) {
                throw new UnsupportedTypeException("table columns differ in length: position=" + cpos + " length=" + n
                        + " expected=" + rows);
            }
            rows = n;
            it.kids[c] = col;
        }
        it.rows = Math.max(rows, 0);
        it.length = TABLE_CHILDREN_AT + 8L * it.kids.length;
        return it;
    }

    private Item mapItem(Map<?, ?> map, String pos, int depth, List<Item> all) {
        Item it = new Item(MAP);
        List<String> keys = new ArrayList<>(map.size());
        it.kids = new Item[map.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new UnsupportedTypeException("map keys must be non-null strings: position=" + pos + " key="
                        + e.getKey() + " class=" + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
            }
            keys.add(key);
            it.kids[i++] = plan(e.getValue(), pos + "[\"" + key + "\"]", depth + 1, all);
        }
        it.names = stringArrayItem(keys, pos + "#keys");
        all.add(it.names);
        it.rows = keys.isEmpty() ? 0 : Long.highestOneBit(2L * keys.size()) << 1;
        it.length = mapTableAt(keys.size()) + 4 * it.rows;
        return it;
    }

    // ------------------------------------------------------------------ second pass

    private long write(Item it) {
        if (it == null) {
            return 0;
        }
        long[] kidOffsets = null;
        if (it.kids != null) {
            kidOffsets = new long[it.kids.length];
            for (int i = 0; i < it.kids.length; i++) {
                kidOffsets[i] = write(it.kids[i]);
            }
        }
        long namesOffset = it.names == null ? 0 : write(it.names);
        long at = cursor;
        out.set(U32, at + N_TAG, it.tag);
        out.set(U32, at + N_AUX, it.aux);
        out.set(U64, at + N_LENGTH, it.length);
        long p = at + NODE_HEADER;
        switch (it.tag) {
            case STRING -> MemorySegment.copy(it.strings[0], 0, out, ValueLayout.JAVA_BYTE, p, it.strings[0].length);
            case STRING_ARRAY -> writeStrings(it, p);
            case LIST -> {
                out.set(U64, p + COUNT_AT, kidOffsets.length);
                writeOffsets(kidOffsets, p + LIST_CHILDREN_AT);
            }
            case MAP -> writeMap(it, p, namesOffset, kidOffsets);
            case TABLE -> {
                out.set(U64, p + COUNT_AT, it.rows);
                out.set(U64, p + TABLE_COLS_AT, kidOffsets.length);
                out.set(U64, p + TABLE_NAMES_AT, namesOffset);
                writeOffsets(kidOffsets, p + TABLE_CHILDREN_AT);
            }
            case MATRIX -> writeMatrix(it, p);
            default -> {
                if (isScalar(it.tag)) {
                    out.set(U64, p, 0);
                    it.type.set(out, p, it.src);
                } else {
                    writeArray(it.type, it.src, p);
                }
            }
        }
        it.offset = at;
        cursor = at + it.footprint();
        // Every byte is written, padding included: a recycled region holds an earlier region's bytes.
        long end = p + it.length;
        if (end < cursor) {
            out.asSlice(end, cursor - end).fill((byte) 0);
        }
        return at;
    }

    private void writeOffsets(long[] offsets, long p) {
        MemorySegment.copy(offsets, 0, out, U64, p, offsets.length);
    }

    /** The source of elements left as the zeros the region already holds. */
    private static final Object ZEROS = new Object();

    private void writeArray(ElementType type, Object src, long p) {
        if (src == ZEROS) {
            return; // zero already, and the pages stay untouched until their writer fills them
        } else if (src instanceof MemorySegment seg) {
            copy(seg, p);
        } else if (src instanceof List<?> boxed) {
            long at = p;
            for (Object x : boxed) {
                type.set(out, at, x);
                at += type.size();
            }
        } else if (type.copiesAsBytes()) {
            copy(type.heapSegment(src), p);
        } else {
            type.copyIn(src, out, p);
        }
    }

    /** Copies {@code src} in at {@code p}, checksummed as it goes if the region will be checksummed. */
    private void copy(MemorySegment src, long p) {
        if (known != null) {
            known.copy(src, out.asSlice(p, src.byteSize()), p);
        } else {
            Copies.copy(src, out.asSlice(p, src.byteSize()));
        }
    }

    private void writeStrings(Item it, long p) {
        int n = it.strings.length;
        out.set(U64, p + COUNT_AT, n);
        long entries = p + STRING_STARTS_AT;
        long bytes = p + stringBytesAt(n);
        long rel = 0;
        for (int i = 0; i < n; i++) {
            byte[] s = it.strings[i];
            out.set(U64, entries + 8L * i, s == null ? rel | NULL_STRING : rel);
            if (s != null) {
                MemorySegment.copy(s, 0, out, ValueLayout.JAVA_BYTE, bytes + rel, s.length);
                rel += s.length;
            }
        }
        out.set(U64, entries + 8L * n, rel);
    }

    private void writeMap(Item it, long p, long keysOffset, long[] values) {
        int n = values.length;
        out.set(U64, p + COUNT_AT, n);
        out.set(U64, p + MAP_KEYS_AT, keysOffset);
        writeOffsets(values, p + MAP_CHILDREN_AT);
        long slots = it.rows;
        out.set(U64, p + mapSlotsAt(n), slots);
        long table = p + mapTableAt(n);
        out.asSlice(table, 4 * slots).fill((byte) 0);
        for (int i = 0; i < n; i++) {
            long s = Hashing.fnv1a(it.names.strings[i]) & (slots - 1);
            while (out.get(U32, table + 4 * s) != 0) {
                s = (s + 1) & (slots - 1);
            }
            out.set(U32, table + 4 * s, i + 1);
        }
    }

    private void writeMatrix(Item it, long p) {
        out.set(U64, p + COUNT_AT, it.rows);
        out.set(U64, p + MATRIX_COLS_AT, it.cols);
        long data = p + MATRIX_DATA_AT;
        if (it.src instanceof MemorySegment seg) {
            MemorySegment.copy(seg, 0, out, data, seg.byteSize());
        } else {
            long rowBytes = it.cols * it.type.size();
            for (Object row : (Object[]) it.src) {
                it.type.copyIn(row, out, data);
                data += rowBytes;
            }
        }
    }
}

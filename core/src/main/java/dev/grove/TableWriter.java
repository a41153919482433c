package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Encoder;
import dev.grove.internal.Hold;
import dev.grove.internal.Node;
import dev.grove.internal.Region;
import dev.grove.internal.Regions;
import dev.grove.internal.Writable;
import dev.grove.internal.StoreDir;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A table (named, equal-length primitive columns: a data frame) written straight into a new region, column by
 * column or rows in chunks, without a copy on the heap: for tables larger than RAM on a disk store. The columns
 * start zero-filled; fill each through {@link #column(String)} or {@link #put(String, long, Object)}, then
 * {@link #seal()} to get the read-only {@link SharedTable}. Closing without sealing discards the region.
 *
 * <pre>{@code
 * Map<String, Class<?>> columns = new LinkedHashMap<>();
 * columns.put("time", long.class);
 * columns.put("price", double.class);
 * try (TableWriter w = disk.allocateTable(3_000_000_000L, columns)) {
 *     for (long at = 0; at < rows; at += chunk) { w.put("time", at, times(at)); w.put("price", at, prices(at)); }
 *     SharedTable t = w.seal();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one thread seals (other threads may fill columns if the caller orders their writes
 * before {@code seal()}).
 */
public final class TableWriter implements AutoCloseable {
    private final Hold hold;
    private final long root;
    private final long rows;
    private final Map<String, MemorySegment> columns;
    private final Map<String, ElementType> types;
    private final AtomicBoolean done = new AtomicBoolean();

    private TableWriter(Hold hold, long root, long rows, Map<String, MemorySegment> columns,
                        Map<String, ElementType> types) {
        this.hold = hold;
        this.root = root;
        this.rows = rows;
        this.columns = columns;
        this.types = types;
    }

    /** A column the encoder writes as {@code rows} zeros. */
    private record ZeroColumn(ElementType type, long rows) {
    }

    static TableWriter allocate(StoreDir store, long rows, Map<String, Class<?>> columnTypes) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative rows: " + rows);
        }
        List<String> names = List.copyOf(columnTypes.keySet());
        Map<String, ElementType> types = new LinkedHashMap<>();
        List<Object> zeros = new ArrayList<>();
        columnTypes.forEach((name, c) -> {
            ElementType e = ElementType.ofPrimitive(c);
            if (e == null) {
                throw new IllegalArgumentException("columns of a primitive type only: column=" + name + " type=" + c);
            }
            types.put(name, e);
            zeros.add(new ZeroColumn(e, rows));
        });
        Object table = new Object();
        Encoder.Shape shape = new Encoder.Shape() {
            public List<String> tableNames(Object v) {
                return v == table ? names : Views.SHAPE.tableNames(v);
            }

            public List<Object> tableColumns(Object v) {
                return v == table ? zeros : Views.SHAPE.tableColumns(v);
            }

            public Encoder.SharedArray sharedArray(Object v) {
                return v instanceof ZeroColumn z ? new Encoder.SharedArray(z.type(), z.rows(), 1, null)
                        : Views.SHAPE.sharedArray(v);
            }

            public Encoder.SharedArray sharedMatrix(Object v) {
                return Views.SHAPE.sharedMatrix(v);
            }

            public String sharedString(Object v) {
                return Views.SHAPE.sharedString(v);
            }
        };
        Encoder.Plan plan = Encoder.plan(table, shape);
        Hold writer = Regions.create(store, plan.size(), true); // zero body: the columns are not written twice
        try {
            MemorySegment seg = Regions.writableMapping(writer.region());
            long root = plan.writeTo(seg);
            Node t = Node.at(seg, root, seg.byteSize(), "/" + writer.region().name());
            Map<String, MemorySegment> cols = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Node c = t.child(i, t.path() + "[" + i + "]");
                cols.put(names.get(i), seg.asSlice(c.payload(), c.length()));
            }
            return new TableWriter(writer, root, rows, cols, types);
        } catch (RuntimeException | Error e) {
            writer.release();
            throw e;
        }
    }

    /** Rows of every column. */
    public long rows() {
        return rows;
    }

    /** The column names, in order. */
    public List<String> columnNames() {
        return List.copyOf(columns.keySet());
    }

    /**
     * Column {@code name}'s elements, writable until {@link #seal()} (little-endian).
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public MemorySegment column(String name) {
        if (done.get()) {
            throw new IllegalStateException("table already sealed or discarded: region=/" + region().name());
        }
        MemorySegment c = columns.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no such column: column=" + name + " columns=" + columns.keySet());
        }
        return c;
    }

    /**
     * Copies {@code array} (a primitive array of the column's type) into column {@code name} from row
     * {@code row}: rows in chunks.
     */
    public TableWriter put(String name, long row, Object array) {
        MemorySegment c = column(name);
        ElementType e = types.get(name);
        if (ElementType.ofArrayClass(array.getClass()) != e) {
            throw new IllegalArgumentException("array of another type than the column: column=" + name + " type="
                    + e.javaName() + " array=" + array.getClass().getSimpleName());
        }
        int n = java.lang.reflect.Array.getLength(array);
        e.copyIn(array, c.asSlice(Math.multiplyExact(row, e.size()), (long) n * e.size()), 0);
        return this;
    }

    /** Seals the region and returns the read-only table view, which owns the region from here on. */
    public SharedTable seal() {
        if (!done.compareAndSet(false, true)) {
            throw new IllegalStateException("table already sealed or discarded: region=/" + region().name());
        }
        Hold sealed = new Writable(hold, root, null).seal(region().store().checksum());
        return (SharedTable) Views.view(sealed.region().rootNode(), sealed);
    }

    /** Discards the region unless it was sealed. Idempotent. */
    @Override
    public void close() {
        if (done.compareAndSet(false, true)) {
            hold.release();
        }
    }

    private Region region() {
        return hold.region();
    }
}

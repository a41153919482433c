package dev.grove;

import dev.grove.internal.Format;
import dev.grove.internal.Hold;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A shared table: named columns of equal length, all in one region; a column is read only when asked
 * for, so a worker that uses 3 of 100 columns touches only those pages. Column {@code c} has the path
 * {@code /name[c]}. Equals a {@link Table} or another {@code SharedTable} with the same names and
 * column contents.
 */
public final class SharedTable extends SingleView {
    /** The table's node in the region; its children are the columns. */
    private final Node node;
    /** The column names in order, read when the view was made; unmodifiable. */
    private final List<String> names;

    SharedTable(Node node, Hold hold) {
        super(node.path(), hold);
        this.node = node;
        Node n = node.names();
        List<String> list = new ArrayList<>((int) n.count());
        for (long i = 0; i < n.count(); i++) {
            list.add(n.string(i, node.path() + "#name[" + i + "]"));
        }
        this.names = Collections.unmodifiableList(list);
    }

    /** Number of rows. */
    public long rowCount() {
        return node.rows();
    }

    /** Number of columns. */
    public int columnCount() {
        return names.size();
    }

    /** Column names, in order. */
    public List<String> columnNames() {
        return names;
    }

    /** Column {@code index} as a view: a primitive array view or a list of strings. */
    public SharedList<?> column(int index) {
        h.check();
        Objects.checkIndex(index, names.size());
        try {
            Node c = node.child(index, path() + "[" + index + "]");
            if (c == null || !(Format.isPrimitiveArray(c.tag()) || c.tag() == Format.STRING_ARRAY)
                    || c.count() != node.rows()) {
                throw new RegionCorruptException("table column is not an array of the table's length: path="
                        + path() + "[" + index + "] rows=" + node.rows() + " column.count="
                        + (c == null ? "null" : c.count()));
            }
            return (SharedList<?>) Views.view(c, h.acquire());
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /**
     * The column called {@code name}.
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public SharedList<?> column(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + names + " (path=" + path() + ")");
        }
        return column(i);
    }

    /**
     * The column called {@code name} as the view type the caller expects, such as
     * {@code SharedDoubleArray.class}.
     *
     * @throws InvalidPathException if the column has another type
     */
    public <T extends SharedList<?>> T column(String name, Class<T> type) {
        SharedList<?> c = column(name);
        if (!type.isInstance(c)) {
            String actual = c.getClass().getSimpleName();
            c.close();
            throw new InvalidPathException("column has another type: path=" + c.path() + " column=" + name
                    + " expected=" + type.getSimpleName() + " actual=" + actual);
        }
        return type.cast(c);
    }

    /** A private on-heap copy of the whole table. */
    public Table toTable() {
        Table.Builder b = Table.builder();
        for (int c = 0; c < names.size(); c++) {
            try (SharedList<?> col = column(c)) {
                b.column(names.get(c), Views.toArray(col));
            }
        }
        return b.build();
    }

    /** Runs {@code use} on views of all columns, closed afterwards so they do not hold the region. */
    private <R> R withColumns(Function<List<Object>, R> use) {
        List<Object> cols = new ArrayList<>(names.size());
        try {
            for (int c = 0; c < names.size(); c++) {
                cols.add(column(c));
            }
            return use.apply(cols);
        } finally {
            for (Object c : cols) {
                ((SharedObject) c).close();
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof SharedTable s) {
            return withColumns(mine -> s.withColumns(theirs -> Table.contentEquals(names, mine, s.names, theirs)));
        }
        if (o instanceof Table t) {
            return withColumns(mine -> Table.contentEquals(names, mine, t.columnNames(), t.columns()));
        }
        return false;
    }

    @Override
    public int hashCode() {
        return withColumns(mine -> Table.contentHash(names, mine));
    }

    @Override
    public String toString() {
        return "SharedTable[path=" + path() + ", rows=" + rowCount() + ", columns=" + names + "]";
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return node.payloadSlice(0, node.length());
    }
}

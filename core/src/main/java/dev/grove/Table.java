package dev.grove;

import java.lang.reflect.Array;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An ordinary, on-heap table: named columns of equal length, each a primitive array or a
 * {@code String[]} (the data frame of R). Share it with {@link Grove#share(Table)}; a
 * {@link SharedTable} equals a {@code Table} with the same names and column contents, and vice versa.
 *
 * <pre>{@code
 * Table t = Table.builder()
 *         .column("id", new int[] {1, 2, 3})
 *         .column("price", new double[] {9.5, 3.25, 7.0})
 *         .column("name", new String[] {"a", null, "c"})
 *         .build();
 * }</pre>
 *
 * <p>Columns are kept as given, not copied: do not change the arrays after building.
 */
public final class Table {
    private final List<String> names;
    private final List<Object> columns;
    private final long rows;

    private Table(List<String> names, List<Object> columns, long rows) {
        this.names = names;
        this.columns = columns;
        this.rows = rows;
    }

    /** A builder that adds columns in order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Column names, in order. */
    public List<String> columnNames() {
        return names;
    }

    /** Number of columns. */
    public int columnCount() {
        return names.size();
    }

    /** Number of rows (0 for a table without columns). */
    public long rowCount() {
        return rows;
    }

    /** Column {@code index}: a primitive array or {@code String[]}. */
    public Object column(int index) {
        return columns.get(index);
    }

    /**
     * The column called {@code name}.
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public Object column(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + names);
        }
        return columns.get(i);
    }

    List<Object> columns() {
        return columns;
    }

    /** Column {@code c} of a table as a boxed list, for equality between heap and shared tables. */
    static List<?> asList(Object column) {
        if (column instanceof List<?> l) {
            return l;
        }
        if (column instanceof Object[] a) {
            return Arrays.asList(a);
        }
        return new AbstractList<>() {
            @Override
            public Object get(int index) {
                return Array.get(column, index);
            }

            @Override
            public int size() {
                return Array.getLength(column);
            }
        };
    }

    static boolean contentEquals(List<String> names, List<?> columns, List<String> otherNames, List<?> otherColumns) {
        if (!names.equals(otherNames)) {
            return false;
        }
        for (int c = 0; c < names.size(); c++) {
            if (!asList(columns.get(c)).equals(asList(otherColumns.get(c)))) {
                return false;
            }
        }
        return true;
    }

    static int contentHash(List<String> names, List<?> columns) {
        int h = names.hashCode();
        for (Object c : columns) {
            h = 31 * h + asList(c).hashCode();
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof Table t) {
            return contentEquals(names, columns, t.names, t.columns);
        }
        if (o instanceof SharedTable s) {
            return s.equals(this);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return contentHash(names, columns);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Table[rows=").append(rows);
        for (int c = 0; c < names.size(); c++) {
            sb.append(", ").append(names.get(c)).append('=').append(asList(columns.get(c)));
        }
        return sb.append(']').toString();
    }

    /** Adds columns in order; every column must have the same length. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Object> columns = new ArrayList<>();
        private final Set<String> seen = new LinkedHashSet<>();
        private long rows = -1;

        private Builder() {
        }

        /**
         * Adds a column.
         *
         * @param name   unique, non-null column name
         * @param values a primitive array, a {@code String[]} or a {@code List<String>} (nulls allowed)
         * @return this builder
         * @throws IllegalArgumentException for a duplicate name, an unsupported column type or a length
         *                                  that differs from earlier columns
         */
        public Builder column(String name, Object values) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(values, "values");
            if (!seen.add(name)) {
                throw new IllegalArgumentException("duplicate column name: " + name);
            }
            Object col = values;
            if (values instanceof List<?> l) {
                col = l.toArray(new String[0]);
            }
            if (!col.getClass().isArray() || !(col.getClass().getComponentType().isPrimitive() || col instanceof String[])) {
                throw new IllegalArgumentException("column " + name + " must be a primitive array, String[] or"
                        + " List<String>, not " + values.getClass().getName());
            }
            long n = Array.getLength(col);
            if (rows >= 0 && n != rows) {
                throw new IllegalArgumentException("column " + name + " has " + n + " rows, earlier columns have " + rows);
            }
            rows = n;
            names.add(name);
            columns.add(col);
            return this;
        }

        /** The table. */
        public Table build() {
            return new Table(Collections.unmodifiableList(new ArrayList<>(names)),
                    Collections.unmodifiableList(new ArrayList<>(columns)), Math.max(rows, 0));
        }
    }
}

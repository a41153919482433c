package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.util.Objects;

/**
 * A shared dense matrix of one primitive element type ({@code double}, {@code int}, {@code long},
 * {@code float}, {@code short}, {@code char}, {@code byte} or {@code boolean}), stored row-major. Row
 * {@code r} is a zero-copy typed array view (a {@link SharedDoubleArray} for a double matrix, a
 * {@link SharedIntArray} for an int matrix, ...) with the path {@code /name[r]}; a column is gathered on
 * request. Indices are {@code long}, so the matrix may hold more than 2<sup>31</sup> values.
 */
public final class SharedMatrix extends SingleView {
    /** The elements, row-major: a read-only slice of the region after the matrix's 16-byte header. */
    private final MemorySegment data;
    /** The element type, which every typed getter checks. */
    private final ElementType type;
    /** Number of rows. */
    private final long rows;
    /** Number of columns, and so the length of each row. */
    private final long cols;

    SharedMatrix(Node node, Hold hold) {
        super(node.path(), hold);
        this.type = node.elementType();
        this.rows = node.rows();
        this.cols = node.cols();
        this.data = node.elements().asReadOnly();
    }

    /** Number of rows. */
    public long rows() {
        return rows;
    }

    /** Number of columns. */
    public long cols() {
        return cols;
    }

    /** The element type: {@code double.class}, {@code int.class}, and so on. */
    public Class<?> elementType() {
        return type.primitive;
    }

    /**
     * The value at row {@code r}, column {@code c} of a double matrix.
     *
     * @throws IndexOutOfBoundsException if either index is out of range
     * @throws ClassCastException        if the elements are not doubles ({@link #getBoxed} reads any type)
     */
    public double get(long r, long c) {
        long at = offset(r, c, ElementType.DOUBLE);
        try {
            return data.get(Layouts.DOUBLE, at);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** The value at row {@code r}, column {@code c} of an int matrix; see {@link #get}. */
    public int getInt(long r, long c) {
        long at = offset(r, c, ElementType.INT);
        try {
            return data.get(Layouts.INT, at);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** The value at row {@code r}, column {@code c} of a long matrix; see {@link #get}. */
    public long getLong(long r, long c) {
        long at = offset(r, c, ElementType.LONG);
        try {
            return data.get(Layouts.LONG, at);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** The value at row {@code r}, column {@code c} of a float matrix; see {@link #get}. */
    public float getFloat(long r, long c) {
        long at = offset(r, c, ElementType.FLOAT);
        try {
            return data.get(Layouts.FLOAT, at);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** The value at row {@code r}, column {@code c}, boxed, whatever the element type. */
    public Object getBoxed(long r, long c) {
        long at = offset(r, c, type);
        try {
            return type.get(data, at);
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
    }

    /**
     * The byte offset of row {@code r}, column {@code c}, after checking that the view is open, the indices
     * in range and the elements of the {@code expected} type. The typed getters read without boxing.
     */
    private long offset(long r, long c, ElementType expected) {
        h.check();
        if (expected != type) {
            throw new ClassCastException("matrix of " + type.javaName() + " read as " + expected.javaName()
                    + ": path=" + path());
        }
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return (r * cols + c) * type.size();
    }

    /**
     * Row {@code r} as a zero-copy view with the path {@code /name[r]}: the array view of the element
     * type, such as {@link SharedDoubleArray} or {@link SharedIntArray}.
     *
     * @param <A> the array view type; a mismatch fails with {@link ClassCastException} where it is used
     */
    @SuppressWarnings("unchecked")
    public <A extends SharedList<?>> A row(long r) {
        h.check();
        Objects.checkIndex(r, rows);
        long rowBytes = cols * type.size();
        return (A) Views.array(type, path() + "[" + r + "]", h.acquire(), data.asSlice(r * rowBytes, rowBytes));
    }

    /**
     * A private copy of column {@code c}: a {@code double[]} for a double matrix, an {@code int[]} for an
     * int matrix, and so on.
     */
    @SuppressWarnings("unchecked")
    public <A> A column(long c) {
        h.check();
        Objects.checkIndex(c, cols);
        int n = Math.toIntExact(rows);
        Object out = Array.newInstance(type.primitive, n);
        try {
            for (int r = 0; r < n; r++) {
                Array.set(out, r, type.get(data, (r * cols + c) * type.size()));
            }
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
        return (A) out;
    }

    /** A private copy as {@code double[rows][cols]} (or {@code int[][]}, ..., after the element type). */
    @SuppressWarnings("unchecked")
    public <A> A toArray() {
        h.check();
        int n = Math.toIntExact(rows);
        int width = Math.toIntExact(cols);
        Object[] out = (Object[]) Array.newInstance(type.arrayClass, n);
        try {
            h.region().checkWhole();
            for (int r = 0; r < n; r++) {
                out[r] = type.copyOut(data, (long) r * width * type.size(), width);
            }
        } catch (IllegalStateException | InternalError | RegionCorruptException e) {
            throw h.fault(e);
        }
        return (A) out;
    }

    /** Equal to a matrix of the same element type and shape holding the same values ({@code Double.equals} for each). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SharedMatrix m) || m.type != type || m.rows != rows || m.cols != cols) {
            return false;
        }
        h.check();
        m.h.check();
        long n = rows * cols;
        for (long i = 0; i < n; i++) {
            if (!type.get(data, i * type.size()).equals(type.get(m.data, i * type.size()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        h.check();
        int result = (Long.hashCode(rows) * 31 + Long.hashCode(cols)) * 31 + type.tag;
        long n = rows * cols;
        for (long i = 0; i < n; i++) {
            result = 31 * result + type.get(data, i * type.size()).hashCode();
        }
        return result;
    }

    @Override
    public String toString() {
        return "SharedMatrix[path=" + path() + ", type=" + type.javaName() + ", rows=" + rows + ", cols=" + cols + "]";
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return data;
    }

    ElementType type() {
        return type;
    }
}

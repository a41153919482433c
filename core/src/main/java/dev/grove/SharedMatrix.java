package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Layouts;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A shared dense matrix of doubles, stored row-major. Row {@code r} is a zero-copy
 * {@link SharedDoubleArray} with the path {@code /name[r]}; a column is gathered on request. Indices are
 * {@code long}, so the matrix may hold more than 2<sup>31</sup> values.
 */
public final class SharedMatrix extends SingleView {
    private final MemorySegment data;
    private final long rows;
    private final long cols;

    SharedMatrix(Node node, Hold hold) {
        super(node.path(), hold);
        this.rows = node.rows();
        this.cols = node.cols();
        this.data = node.payloadSlice(16, node.length() - 16).asReadOnly();
    }

    /** Number of rows. */
    public long rows() {
        return rows;
    }

    /** Number of columns. */
    public long cols() {
        return cols;
    }

    /**
     * The value at row {@code r}, column {@code c}.
     *
     * @throws IndexOutOfBoundsException if either index is out of range
     */
    public double get(long r, long c) {
        h.check();
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        try {
            return data.getAtIndex(Layouts.DOUBLE, r * cols + c);
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    /** Row {@code r} as a zero-copy view with the path {@code /name[r]}. */
    public SharedDoubleArray row(long r) {
        h.check();
        Objects.checkIndex(r, rows);
        return new SharedDoubleArray(path() + "[" + r + "]", h.acquire(), data.asSlice(r * cols * 8, cols * 8));
    }

    /** A private copy of column {@code c}. */
    public double[] column(long c) {
        h.check();
        Objects.checkIndex(c, cols);
        double[] out = new double[Math.toIntExact(rows)];
        try {
            for (int r = 0; r < out.length; r++) {
                out[r] = data.getAtIndex(Layouts.DOUBLE, r * cols + c);
            }
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
        return out;
    }

    /** A private copy as {@code double[rows][cols]}. */
    public double[][] toArray() {
        h.check();
        double[][] out = new double[Math.toIntExact(rows)][Math.toIntExact(cols)];
        try {
            for (int r = 0; r < out.length; r++) {
                MemorySegment.copy(data, Layouts.DOUBLE, r * cols * 8, out[r], 0, out[r].length);
            }
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SharedMatrix m) || m.rows != rows || m.cols != cols) {
            return false;
        }
        h.check();
        m.h.check();
        long n = rows * cols;
        for (long i = 0; i < n; i++) {
            if (Double.doubleToLongBits(data.getAtIndex(Layouts.DOUBLE, i))
                    != Double.doubleToLongBits(m.data.getAtIndex(Layouts.DOUBLE, i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        h.check();
        int result = Long.hashCode(rows) * 31 + Long.hashCode(cols);
        long n = rows * cols;
        for (long i = 0; i < n; i++) {
            result = 31 * result + Double.hashCode(data.getAtIndex(Layouts.DOUBLE, i));
        }
        return result;
    }

    @Override
    public String toString() {
        return "SharedMatrix[path=" + path() + ", rows=" + rows + ", cols=" + cols + "]";
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return data;
    }
}

package dev.grove.parallel;

import dev.grove.SharedList;
import dev.grove.SharedMatrix;

/**
 * One row or one column of a shared matrix, as {@code memApply} hands it to the function: read in place,
 * without a copy (a row is contiguous; a column is read with the matrix's row stride). Getters follow the
 * matrix's element type ({@link #getDouble} for a double matrix, {@link #getInt} for an int matrix, ...);
 * {@link #toDoubleArray()} copies any numeric slice out. Valid during the call only.
 */
public final class Slice {
    private final SharedMatrix matrix;
    private final Margin margin;
    private final long index;

    Slice(SharedMatrix matrix, Margin margin, long index) {
        this.matrix = matrix;
        this.margin = margin;
        this.index = index;
    }

    /** Which row (for {@link Margin#ROWS}) or column (for {@link Margin#COLUMNS}) this is. */
    public long index() {
        return index;
    }

    /** Whether this is a row or a column. */
    public Margin margin() {
        return margin;
    }

    /** Number of elements: the matrix's columns for a row, its rows for a column. */
    public long length() {
        return margin == Margin.ROWS ? matrix.cols() : matrix.rows();
    }

    /** The matrix's element type, {@code double.class} for instance. */
    public Class<?> elementType() {
        return matrix.elementType();
    }

    /** Element {@code i} of a slice of a double matrix; throws {@link ClassCastException} for another element type. */
    public double getDouble(long i) {
        return margin == Margin.ROWS ? matrix.get(index, i) : matrix.get(i, index);
    }

    /** Element {@code i} of a slice of an int matrix; throws {@link ClassCastException} for another element type. */
    public int getInt(long i) {
        return margin == Margin.ROWS ? matrix.getInt(index, i) : matrix.getInt(i, index);
    }

    /** Element {@code i} of a slice of a long matrix; throws {@link ClassCastException} for another element type. */
    public long getLong(long i) {
        return margin == Margin.ROWS ? matrix.getLong(index, i) : matrix.getLong(i, index);
    }

    /** Element {@code i} of a slice of a float matrix; throws {@link ClassCastException} for another element type. */
    public float getFloat(long i) {
        return margin == Margin.ROWS ? matrix.getFloat(index, i) : matrix.getFloat(i, index);
    }

    /** Element {@code i}, boxed, of any element type. */
    public Object get(long i) {
        return margin == Margin.ROWS ? matrix.getBoxed(index, i) : matrix.getBoxed(i, index);
    }

    /** A private copy as doubles, of a slice of any numeric element type. */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(length());
        double[] out = new double[n];
        Class<?> t = elementType();
        for (int i = 0; i < n; i++) {
            out[i] = t == double.class ? getDouble(i) : ((Number) get(i)).doubleValue();
        }
        return out;
    }

    /** A row as the matrix's zero-copy typed array view ({@link dev.grove.SharedDoubleArray}, ...); rows only. */
    public <A extends SharedList<?>> A rowView() {
        if (margin != Margin.ROWS) {
            throw new IllegalStateException("a column has no contiguous view: column=" + index);
        }
        return matrix.row(index);
    }

    @Override
    public String toString() {
        return (margin == Margin.ROWS ? "row " : "column ") + index + " of " + matrix.path();
    }
}

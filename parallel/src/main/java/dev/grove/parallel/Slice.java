package dev.grove.parallel;

import dev.grove.SharedList;
import dev.grove.SharedMatrix;

/**
 * One row or one column of a shared matrix, as {@code memApply} hands it to the function. A row is read in
 * place, without a copy. A column of a double matrix is read from a block of adjacent columns gathered in
 * one pass over the rows (so each page of the matrix is walked once per block, not once per column); other
 * columns are read in place with the row stride. Getters follow the matrix's element type
 * ({@link #getDouble} for a double matrix, {@link #getInt} for an int matrix, ...); {@link #toDoubleArray()}
 * copies any numeric slice out. A slice may be read from any thread during its call, and is valid during
 * the call only: a gathered column kept past its call fails with {@link IllegalStateException} once the
 * thread that gathered it has gathered the next block.
 */
public final class Slice {
    private final SharedMatrix matrix;
    private final Margin margin;
    private final long index;
    /** For a column of a double matrix, the gathering thread's block; else null. */
    private final TaskContext.ColumnBlock block;
    /** The gathered column, or null when the slice is read in place. */
    private final double[] column;
    /** The block's generation when the column was gathered. */
    private final int generation;

    /**
     * A slice of {@code matrix}; a column of a double matrix is gathered here, on the thread that runs the call
     * (into {@code block}, for a chunk ending before {@code end}), so that a function may hand the slice to
     * other threads.
     */
    Slice(TaskContext call, SharedMatrix matrix, Margin margin, long index, TaskContext.ColumnBlock block, long end) {
        this.matrix = matrix;
        this.margin = margin;
        this.index = index;
        this.block = block;
        this.column = block == null ? null : block.column(call, matrix, index, end);
        this.generation = block == null ? 0 : block.generation;
    }

    /** The gathered column, or null when read in place; fails once the block has moved on. */
    private double[] column() {
        if (column != null && block.generation != generation) {
            throw new IllegalStateException("a slice read after its call (slices are valid during their call only): "
                    + this);
        }
        return column;
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
        double[] column = column();
        if (column != null) {
            return column[(int) java.util.Objects.checkIndex(i, column.length)];
        }
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
        if (column() != null) {
            return getDouble(i);
        }
        return margin == Margin.ROWS ? matrix.getBoxed(index, i) : matrix.getBoxed(i, index);
    }

    /** A private copy as doubles, of a slice of any numeric element type. */
    public double[] toDoubleArray() {
        double[] column = column();
        if (column != null) {
            return column.clone();
        }
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

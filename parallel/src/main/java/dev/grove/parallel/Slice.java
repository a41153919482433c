package dev.grove.parallel;

import dev.grove.SharedList;
import dev.grove.SharedMatrix;

/**
 * One row or one column of a shared matrix, as {@code memApply} hands it to the function. A row is read in
 * place, without a copy. A column of a double matrix is read from a block of adjacent columns gathered in
 * one pass over the rows (so each page of the matrix is walked once per block, not once per column); other
 * columns are read in place with the row stride. Getters follow the matrix's element type
 * ({@link #getDouble} for a double matrix, {@link #getInt} for an int matrix, ...); {@link #toDoubleArray()}
 * copies any numeric slice out. Valid during the call only: a gathered column kept past its call fails with
 * {@link IllegalStateException} once its thread has gathered the next block.
 */
public final class Slice {
    private final TaskContext call;
    private final SharedMatrix matrix;
    private final Margin margin;
    private final long index;
    /** For a column of a double matrix, this thread's gathered columns, and the end of the chunk; else null. */
    private final TaskContext.ColumnBlock block;
    private final long end;
    /** The gathered column, once an element is read; stays null if the column is read in place. */
    private double[] column;
    private boolean gathered;
    /** The block's generation when this slice's column was gathered. */
    private int generation;

    Slice(TaskContext call, SharedMatrix matrix, Margin margin, long index, TaskContext.ColumnBlock block, long end) {
        this.call = call;
        this.matrix = matrix;
        this.margin = margin;
        this.index = index;
        this.block = block;
        this.end = end;
    }

    /** The gathered column, gathering it (with its neighbours) on first use; null when read in place. */
    private double[] column() {
        if (!gathered && block != null) {
            column = block.column(call, matrix, index, end);
            generation = block.generation;
            gathered = true;
        } else if (column != null && block.generation != generation) {
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

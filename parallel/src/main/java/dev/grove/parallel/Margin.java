package dev.grove.parallel;

/** Which slices of a matrix {@code memApply} hands to the function: memshare's {@code MARGIN} 1 and 2. */
public enum Margin {
    /** Every row, in order: {@code rows} calls, each given a zero-copy view of the row. */
    ROWS,
    /** Every column, in order: {@code cols} calls, each given a strided view of the column. */
    COLUMNS
}

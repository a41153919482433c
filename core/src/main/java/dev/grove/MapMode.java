package dev.grove;

/**
 * How a process maps a region (exm's modes, plus the default). Each has its own entry point, and the writable
 * ones their own type: a read-only view never writes.
 */
public enum MapMode {
    /** Read-only and shared, the default: {@code map}; every process reads the same pages. */
    SHARED,
    /**
     * Copy-on-write: {@link RegionStore#mapPrivate}. Writable, but writes go to this process's own copies of
     * the pages they touch; the file and every other process see nothing of them.
     */
    PRIVATE,
    /**
     * Shared and writable, for a region created writable and not sealed yet: {@link RegionStore#mapWritable}.
     * Perilous by nature: writers must write disjoint ranges and synchronise through the kernel (see
     * {@link ArrayWriter}).
     */
    SHARED_WRITABLE,
    /**
     * A private copy in anonymous memory: {@link RegionStore#duplicate}. Writable, and independent of the file,
     * which may then be deleted.
     */
    DUPLICATE
}

package dev.grove;

/**
 * Access hints for the pages behind a view ({@link Grove#advise}), passed to the kernel as {@code madvise}.
 * Hints change speed, never content.
 */
public enum Advice {
    /** No particular pattern (the kernel's default read-ahead). */
    NORMAL(0),
    /** Random access: read ahead less. Helps random reads of a region on disk larger than the page cache. */
    RANDOM(1),
    /** Sequential access: read ahead more, and drop pages behind sooner. Helps a scan of a region on disk. */
    SEQUENTIAL(2),
    /** Will be read soon: start reading it in now, in the background. */
    WILL_NEED(3),
    /**
     * Not needed for a while: this process's page table entries go (the data stays in the file and its page
     * cache; the next read maps it again). Frees a process's share of memory after a pass over a region.
     */
    DONT_NEED(4),
    /**
     * Fault every page in now, in large batches (Linux 5.14+): a first pass then takes no page faults.
     * Ignored by older kernels.
     */
    POPULATE_READ(22);

    final int linux;

    Advice(int linux) {
        this.linux = linux;
    }
}

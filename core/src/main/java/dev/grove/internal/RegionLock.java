package dev.grove.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock that serialises opening, releasing, recycling and sweeping region files in this process (held by
 * {@link LocalRegions}). Parts that must only run under it say so by calling {@link #require}, which fails at
 * once instead of letting a race through.
 */
final class RegionLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    /** Fails unless the calling thread holds this lock. */
    void require() {
        if (!isHeldByCurrentThread()) {
            throw new IllegalStateException("called without the region lock: thread=" + Thread.currentThread().getName()
                    + " (a bug in Grove: the pools and the table change only under it)");
        }
    }
}

package dev.grove;

import java.lang.foreign.MemorySegment;

/**
 * A read-only view of data in a shared region: the root of a region or any part of it. Views read the
 * region lazily and never copy unless asked to ({@code copy()}, {@code toXxxArray()}).
 *
 * <p>Each view holds its region alive in this process until {@link #close()} is called or the view is
 * garbage collected; closing is idempotent, and a closed view throws {@link RegionReleasedException}.
 * Sub-views hold the region on their own: closing the root does not invalidate a column taken from it.
 *
 * <p>Views are {@link java.io.Serializable}: {@code java.io} serialization writes a small proxy with the
 * view's reference (taking a lease, as {@link #ref()} does), and reading it maps the region again.
 */
public sealed interface SharedObject extends AutoCloseable, java.io.Serializable
        permits SharedList, SharedMap, SingleView {

    /** Where this view lives: the region name for a root, {@code /name[i][j]} for parts of it. */
    String path();

    /**
     * A reference to this view for sending to another process. Taking it starts a lease (60 s by default,
     * system property {@code grove.lease.seconds}) that keeps the region alive even if every holder lets go
     * before the receiver maps it.
     */
    SharedRef ref();

    /**
     * A reference for {@code delivery}: {@link Delivery#FAN_OUT} is {@link #ref()}; {@link Delivery#ONCE}
     * is for one receiver, whose closing of the view it maps releases the region to its creator at once, so
     * that a stream of messages reuses one region instead of making one per message.
     */
    SharedRef ref(Delivery delivery);

    /**
     * The bytes behind this view, read-only, in the layout {@code docs/FORMAT.md} describes. The segment
     * stays valid while the view is open. After release, access throws {@link IllegalStateException} once
     * this process unmaps the region; while it keeps the mapping for the next map of the same region (for
     * {@code grove.warm.seconds}, 2 by default, after its last view here is released) the segment still reads
     * the region's current bytes, which by then may be another message's. Do not use it after release.
     */
    MemorySegment segment();

    /** Whether the view can still be used. */
    boolean isOpen();

    /** Gives up this view's hold on its region. Idempotent. */
    @Override
    void close();
}

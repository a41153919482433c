package dev.grove.internal;

import java.lang.foreign.MemorySegment;

/**
 * A region being created that holds one node (a primitive array or a matrix) whose elements the caller fills before
 * sealing.
 *
 * @param node     region offset of the node (the root)
 * @param elements the node's elements, writable
 */
public record Writable(Hold hold, long node, MemorySegment elements) {
    /** Seals the region (creator only) and hands over the writer's claim. */
    public Hold seal(boolean checksum) {
        return seal(checksum, null);
    }

    /** As {@link #seal(boolean)}, reusing the checksums {@code known} (if not null) took while copying in. */
    public Hold seal(boolean checksum, KnownCrcs known) {
        Creation.seal(hold.region(), node, checksum, known);
        return hold;
    }
}

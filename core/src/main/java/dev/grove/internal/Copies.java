package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** Bulk copies between the heap and regions, large ones on several cores. */
public final class Copies {
    /** Heap arrays are copied as they lie in memory, which is the format's byte order only on such machines. */
    public static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Copies() {
    }

    /**
     * Copies {@code src} to {@code dst}, of the same size. From a few MiB up the copy is cut into pieces that
     * idle common-pool threads copy alongside the caller: one core does not reach the memory's bandwidth.
     */
    public static void copy(MemorySegment src, MemorySegment dst) {
        Checksums.copyWithoutChecksum(src, dst);
    }
}

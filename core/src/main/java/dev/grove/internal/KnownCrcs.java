package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checksums of parts of a region being written, computed as those parts were copied in, so that sealing
 * reads only the bytes between them again (a large array's bytes are then read once, by the copy, instead
 * of a second time from memory by the checksum). Thread-safe: parts may be recorded in any order.
 */
public final class KnownCrcs {
    /**
     * Smaller parts are not worth recording: joining a part's checksum costs about as much as checksumming
     * a few KiB again, so many small arrays would make sealing slower, not faster.
     */
    static final long WORTH_RECORDING = 64 << 10;

    private record Part(long offset, long length, int crc) {
    }

    private final List<Part> parts = new ArrayList<>();

    /**
     * Copies {@code src} to {@code dst}, of the same size, which lies at byte {@code regionOffset} of the
     * region (large copies on several cores), and records the checksum of the bytes copied if they are
     * {@link #WORTH_RECORDING} (smaller ones stay a gap, which the seal reads again).
     */
    public void copy(MemorySegment src, MemorySegment dst, long regionOffset) {
        if (src.byteSize() < WORTH_RECORDING) {
            Copies.copy(src, dst);
            return;
        }
        int crc = Checksums.copy(src, dst);
        synchronized (this) {
            parts.add(new Part(regionOffset, dst.byteSize(), crc));
        }
    }

    /**
     * The CRC-32C of {@code region} from byte {@code from} to its end, joining the recorded parts with the
     * checksums of the bytes around them. Parts that overlap or fall outside are not trusted: then the
     * whole range is read.
     */
    synchronized int crc(MemorySegment region, long from) {
        if (parts.isEmpty()) {
            return Checksums.crc32c(region.asSlice(from)); // a region of small arrays only: no joining to pay for
        }
        List<Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(Part::offset));
        long end = region.byteSize();
        long at = from;
        int crc = 0; // the checksum of no bytes
        for (Part p : sorted) {
            if (p.offset() < at || p.offset() + p.length() > end) {
                return Checksums.crc32c(region.asSlice(from));
            }
            crc = Checksums.combine(crc, Checksums.crc32c(region.asSlice(at, p.offset() - at)), p.offset() - at);
            crc = Checksums.combine(crc, p.crc(), p.length());
            at = p.offset() + p.length();
        }
        return Checksums.combine(crc, Checksums.crc32c(region.asSlice(at)), end - at);
    }
}

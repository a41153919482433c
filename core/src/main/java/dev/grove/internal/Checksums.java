package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * CRC-32C of large segments on more than one core, and copies that checksum what they copy. The JDK's
 * {@link CRC32C} runs at about 24 GB/s here, close to the copy a {@code share()} makes, so checksumming in
 * one thread costs about as much again; the segment is cut into pieces whose checksums, computed in any
 * order by any thread, are then joined into the checksum of the whole, exactly as one pass over it would
 * give. A copy checksums each chunk it has just written while the chunk is still in the core's cache, so
 * the bytes are not read from memory a second time.
 *
 * <p>Joining uses the linearity of CRCs: crc(A‖B) = crc(A)·x^(8·|B|) mod P xor crc(B), with P the
 * Castagnoli polynomial, polynomials kept in the reflected bit order the JDK uses (bit 31 holds x^0).
 */
final class Checksums {
    /** The Castagnoli polynomial without its x^32 term, reflected. */
    private static final int POLY = 0x82F63B78;
    private static final int ONE = 1 << 31;
    /** Below this a single pass is faster than handing pieces to another thread. */
    static final long PARALLEL_FROM = 16L << 20;
    static final int PIECE = 4 << 20;
    /**
     * A copy is worth sharing out from a smaller size than a checksum (it is about three times slower per
     * byte), in smaller pieces, so that a helper that starts late still takes its share.
     */
    static final long PARALLEL_COPY_FROM = 4L << 20;
    static final int COPY_PIECE = 1 << 20;
    /** What a copy writes before checksumming it: small enough to stay in the core's cache. */
    private static final int CHUNK = 64 << 10;
    /** Never started: only asked whether a segment may be read by a thread other than its owner. */
    private static final Thread ANOTHER_THREAD = new Thread(() -> { });

    private Checksums() {
    }

    /** The CRC-32C of {@code seg}: what {@link CRC32C} gives over all its bytes in order. */
    static int crc32c(MemorySegment seg) {
        long size = seg.byteSize();
        if (size < PARALLEL_FROM) {
            return piece(seg, 0, size); // asked first: counting processors is a system call
        }
        return inPieces(size, PIECE, seg.isAccessibleBy(ANOTHER_THREAD), (from, length) -> piece(seg, from, length));
    }

    /**
     * Copies {@code src} to {@code dst} (of the same size) and returns the CRC-32C of the bytes copied.
     * Large copies run on several cores.
     */
    static int copy(MemorySegment src, MemorySegment dst) {
        long size = checkSameSize(src, dst);
        if (overlap(src, dst)) {
            MemorySegment.copy(src, 0, dst, 0, size); // as memmove; then the result is read once more
            return piece(dst, 0, size);
        }
        if (size < PARALLEL_COPY_FROM) {
            return copyPiece(src, dst, 0, size);
        }
        return inPieces(size, COPY_PIECE, anyThread(src, dst), (from, length) -> copyPiece(src, dst, from, length));
    }

    /** Copies {@code src} to {@code dst} (of the same size), large copies on several cores; no checksum. */
    static void copyWithoutChecksum(MemorySegment src, MemorySegment dst) {
        long size = checkSameSize(src, dst);
        if (size < PARALLEL_COPY_FROM || overlap(src, dst)) {
            MemorySegment.copy(src, 0, dst, 0, size);
            return;
        }
        inPieces(size, COPY_PIECE, anyThread(src, dst), (from, length) -> {
            MemorySegment.copy(src, from, dst, from, length);
            return 0;
        });
    }

    /** Whether threads other than the caller may read {@code src} and write {@code dst}. */
    private static boolean anyThread(MemorySegment src, MemorySegment dst) {
        return src.isAccessibleBy(ANOTHER_THREAD) && dst.isAccessibleBy(ANOTHER_THREAD);
    }

    /** Whether the two share memory: then only one forward-or-backward copy of the whole is right. */
    private static boolean overlap(MemorySegment src, MemorySegment dst) {
        return src.asOverlappingSlice(dst).isPresent();
    }

    private static long checkSameSize(MemorySegment src, MemorySegment dst) {
        if (src.byteSize() != dst.byteSize()) {
            throw new IllegalArgumentException("copy between segments of different sizes: src=" + src.byteSize()
                    + " dst=" + dst.byteSize());
        }
        return src.byteSize();
    }

    private static int copyPiece(MemorySegment src, MemorySegment dst, long from, long length) {
        CRC32C crc = new CRC32C();
        for (long off = from, end = from + length; off < end; off += CHUNK) {
            long n = Math.min(CHUNK, end - off);
            MemorySegment.copy(src, off, dst, off, n);
            crc.update(dst.asSlice(off, n).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    /** Work on {@code [from, from + length)} of a segment, returning that part's CRC-32C (or 0). */
    private interface Piece {
        int run(long from, long length);
    }

    /**
     * Runs {@code piece} over {@code size} bytes in pieces of {@code pieceSize}, on this thread and, if
     * {@code anyThread}, on idle common-pool threads too; returns the pieces' checksums joined in order.
     */
    private static int inPieces(long size, int pieceSize, boolean anyThread, Piece piece) {
        int helpers = Math.min(Runtime.getRuntime().availableProcessors() - 1, ForkJoinPool.getCommonPoolParallelism());
        if (helpers < 1 || !anyThread) {
            return piece.run(0, size);
        }
        int pieces = Math.toIntExact((size + pieceSize - 1) / pieceSize);
        int[] crcs = new int[pieces];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < pieces; i = next.getAndIncrement()) {
                long from = (long) i * pieceSize;
                try {
                    if (failure.get() == null) { // after a failure the pieces left are only counted
                        crcs[i] = piece.run(from, Math.min(pieceSize, size - from));
                    }
                } catch (RuntimeException | Error e) {
                    // A fault reading a truncated file arrives as an InternalError, on whichever thread read it.
                    failure.compareAndSet(null, e);
                } finally {
                    done.incrementAndGet();
                }
            }
        };
        for (int h = 0; h < Math.min(helpers, pieces - 1); h++) {
            ForkJoinPool.commonPool().execute(worker);
        }
        // The caller works too, so a busy pool only means fewer hands, never a wait for a helper to start;
        // afterwards it waits at most for the pieces helpers are still computing.
        worker.run();
        while (done.get() < pieces) {
            Thread.yield();
        }
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure.get());
        }
        int whole = crcs[0];
        for (int i = 1; i < pieces; i++) {
            whole = combine(whole, crcs[i], Math.min(pieceSize, size - (long) i * pieceSize));
        }
        return whole;
    }

    private static int piece(MemorySegment seg, long from, long length) {
        CRC32C crc = new CRC32C();
        // A ByteBuffer holds at most 2 GiB.
        for (long off = from; off < from + length; off += 1L << 30) {
            crc.update(seg.asSlice(off, Math.min(1L << 30, from + length - off)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    /** The checksum of A followed by B, from the checksums of A and B and the length of B. */
    static int combine(int crcA, int crcB, long lengthB) {
        return multiply(xPow8n(lengthB), crcA) ^ crcB;
    }

    /** x^(8n) mod P: appending n bytes multiplies by it. */
    private static int xPow8n(long n) {
        int result = ONE;
        int power = ONE >>> 8; // x^8
        for (long k = n; k != 0; k >>>= 1) {
            if ((k & 1) != 0) {
                result = multiply(result, power);
            }
            power = multiply(power, power);
        }
        return result;
    }

    /** a·b mod P. */
    private static int multiply(int a, int b) {
        int product = 0;
        for (int i = 0; i < 32; i++) {
            if ((a << i) < 0) { // a has the term x^i
                product ^= b;
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1; // b·x
        }
        return product;
    }
}

package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * CRC-32C of large segments on more than one core. The JDK's {@link CRC32C} runs at about 24 GB/s here,
 * close to the copy a {@code share()} makes, so checksumming in one thread costs about as much again;
 * the segment is cut into pieces whose checksums, computed in any order by any thread, are then joined
 * into the checksum of the whole, exactly as one pass over it would give.
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
        int helpers = Math.min(Runtime.getRuntime().availableProcessors() - 1, ForkJoinPool.getCommonPoolParallelism());
        if (helpers < 1 || !seg.isAccessibleBy(ANOTHER_THREAD)) {
            return piece(seg, 0, size);
        }
        int pieces = Math.toIntExact((size + PIECE - 1) / PIECE);
        int[] crcs = new int[pieces];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < pieces; i = next.getAndIncrement()) {
                long from = (long) i * PIECE;
                try {
                    crcs[i] = piece(seg, from, Math.min(PIECE, size - from));
                } catch (RuntimeException e) {
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
        if (failure.get() != null) {
            throw failure.get();
        }
        int whole = crcs[0];
        for (int i = 1; i < pieces; i++) {
            whole = combine(whole, crcs[i], Math.min(PIECE, size - (long) i * PIECE));
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

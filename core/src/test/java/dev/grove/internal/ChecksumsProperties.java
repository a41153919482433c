package dev.grove.internal;

import dev.grove.check.Gens;
import dev.grove.check.Property;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Checksums joined from pieces equal the JDK's CRC-32C over the whole, whatever the cut and the size. */
class ChecksumsProperties {

    private static int jdk(byte[] b, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(b, from, to - from);
        return (int) crc.getValue();
    }

    @Test
    void joiningTwoChecksumsGivesTheChecksumOfTheWhole() {
        Property.forAll(s -> List.of(Gens.arrays(byte[].class, Gens.bytes(), 0, 3000).generate(s), Gens.ints(0, 3000).generate(s)))
                .tries(300).check(input -> {
                    byte[] bytes = (byte[]) input.get(0);
                    int at = Math.min((Integer) input.get(1), bytes.length);
                    assertEquals(jdk(bytes, 0, bytes.length),
                            Checksums.combine(jdk(bytes, 0, at), jdk(bytes, at, bytes.length), bytes.length - at));
                });
    }

    @Test
    void largeSegmentsChecksummedInParallelPiecesMatchOnePass() {
        Property.forAll(s -> new long[] {Gens.ints(0, 3 * Checksums.PIECE).generate(s), Gens.longs().generate(s)})
                .tries(8).check(input -> parallelMatchesOnePass(input[0], input[1]));
    }

    private static void parallelMatchesOnePass(long extra, long seed) {
        long size = Checksums.PARALLEL_FROM + extra; // a last piece of any length, including a full one
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(size);
            byte[] chunk = new byte[1 << 16];
            SplittableRandom random = new SplittableRandom(seed);
            CRC32C onePass = new CRC32C();
            for (long off = 0; off < size; off += chunk.length) {
                int n = (int) Math.min(chunk.length, size - off);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) random.nextInt();
                }
                MemorySegment.copy(MemorySegment.ofArray(chunk), 0, seg, off, n);
                onePass.update(chunk, 0, n);
            }
            assertEquals((int) onePass.getValue(), Checksums.crc32c(seg));
        }
    }

    /**
     * A copy gives the destination the source's bytes and returns their checksum, whatever the size: below,
     * at and above the size from which it runs on several cores, with a last piece of any length.
     */
    @Test
    void copiesAreExactAndReturnTheChecksumOfWhatTheyCopied() {
        Property.forAll(s -> new long[] {Gens.ints(0, 3).generate(s), Gens.ints(0, 2 * Checksums.COPY_PIECE).generate(s),
                        Gens.longs().generate(s)})
                .tries(12).check(input -> {
                    long size = input[0] == 0 ? input[1] : Checksums.PARALLEL_COPY_FROM + (input[0] - 1) * Checksums.COPY_PIECE
                            + input[1];
                    byte[] src = new byte[(int) size];
                    new SplittableRandom(input[2]).nextBytes(src);
                    try (Arena arena = Arena.ofShared()) {
                        MemorySegment dst = arena.allocate(Math.max(1, size)).asSlice(0, size);
                        assertEquals(jdk(src, 0, src.length), Checksums.copy(MemorySegment.ofArray(src), dst));
                        assertArrayEquals(src, dst.toArray(ValueLayout.JAVA_BYTE));
                        byte[] back = new byte[src.length];
                        Checksums.copyWithoutChecksum(dst, MemorySegment.ofArray(back));
                        assertArrayEquals(src, back);
                    }
                });
    }

    /** Overlapping source and destination copy as one memmove would, however large. */
    @Test
    void overlappingCopiesAreRight() {
        int size = (int) Checksums.PARALLEL_COPY_FROM * 2 + 12;
        byte[] expected = new byte[size];
        new SplittableRandom(3).nextBytes(expected);
        for (int shift : new int[] {8, -8, Checksums.COPY_PIECE + 4}) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate(size).copyFrom(MemorySegment.ofArray(expected));
                int n = size - Math.abs(shift);
                int from = Math.max(0, -shift);
                int to = Math.max(0, shift);
                byte[] want = expected.clone();
                System.arraycopy(want, from, want, to, n);
                assertEquals(jdk(want, to, to + n), Checksums.copy(seg.asSlice(from, n), seg.asSlice(to, n)));
                assertArrayEquals(want, seg.toArray(ValueLayout.JAVA_BYTE), "checksummed copy, shift " + shift);
                seg.copyFrom(MemorySegment.ofArray(expected));
                Checksums.copyWithoutChecksum(seg.asSlice(from, n), seg.asSlice(to, n));
                assertArrayEquals(want, seg.toArray(ValueLayout.JAVA_BYTE), "plain copy, shift " + shift);
            }
        }
    }

    /** A piece that fails on a helper thread fails the whole copy, on the caller's thread. */
    @Test
    void aFailingPieceFailsTheCopy() {
        int size = (int) Checksums.PARALLEL_COPY_FROM * 2;
        MemorySegment readOnly = MemorySegment.ofArray(new byte[size]).asReadOnly();
        assertThrows(IllegalArgumentException.class, () -> Checksums.copy(MemorySegment.ofArray(new byte[size]), readOnly));
        assertThrows(IllegalArgumentException.class,
                () -> Checksums.copy(MemorySegment.ofArray(new byte[3]), MemorySegment.ofArray(new byte[4])));
    }

    @Test
    void wholePiecesEmptySegmentsAndThreadConfinedSegmentsAreRight() {
        byte[] b = new byte[(int) Checksums.PARALLEL_FROM];
        Arrays.fill(b, (byte) 7);
        assertEquals(jdk(b, 0, b.length), Checksums.crc32c(MemorySegment.ofArray(b)));
        assertEquals(jdk(b, 0, 0), Checksums.crc32c(MemorySegment.ofArray(new byte[0])));
        try (Arena confined = Arena.ofConfined()) {
            // Only this thread may read it: checksummed here, in one pass.
            MemorySegment seg = confined.allocate(b.length).copyFrom(MemorySegment.ofArray(b));
            assertEquals(jdk(b, 0, b.length), Checksums.crc32c(seg));
        }
    }
}

package dev.grove;

import dev.grove.internal.Encoder;
import dev.grove.internal.Format;
import dev.grove.test.Graphs;
import dev.grove.check.Property;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The encoder writes every byte after the header, padding included, so a region made from a recycled
 * file (holding an earlier region's bytes) is byte for byte the region a fresh, zeroed file would give.
 */
class EncoderProperties {

    @Test
    void writtenBodyDoesNotDependOnWhatTheMemoryHeldBefore() {
        Property.forAll(Graphs.graphs(3)).tries(200).check(EncoderProperties::sameBytesOnFreshAndDirtyMemory);
    }

    private static void sameBytesOnFreshAndDirtyMemory(Object graph) {
        Encoder.Plan plan = Encoder.plan(graph, Views.SHAPE);
        try (Arena arena = Arena.ofConfined()) {
            // Off-heap and 8-aligned, as a mapped region is: a byte[] segment refuses aligned layouts.
            MemorySegment fresh = arena.allocate(plan.size(), 8);
            MemorySegment dirty = arena.allocate(plan.size(), 8).fill((byte) 0xA5);
            long root = plan.writeTo(fresh);
            assertEquals(root, Encoder.plan(graph, Views.SHAPE).writeTo(dirty));
            assertEquals(-1, fresh.asSlice(Format.HEADER_SIZE).mismatch(dirty.asSlice(Format.HEADER_SIZE)),
                    "first byte that differs, counted from the end of the header");
        }
    }
}

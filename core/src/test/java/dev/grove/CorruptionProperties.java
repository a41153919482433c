package dev.grove;

import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import dev.grove.check.Gen;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Random damage to a valid region: reading everything in it either gives values or throws a
 * {@link GroveException}, never anything else; and verifying the region always notices the damage. The
 * lifetime block (bytes 64 to 128) is not data: whatever it holds, the values read and the verification
 * are those of the undamaged region.
 */
class CorruptionProperties {

    /** A graph and where to damage it: {@code flips} random bytes, past the header or anywhere. */
    record Damage(Object graph, long seed, int flips, boolean bodyOnly) {
    }

    static final Gen<Damage> DAMAGE = s -> new Damage(Graphs.containers().generate(s), Gens.longs().generate(s),
            Gens.ints(1, 4).generate(s), Gens.booleans().generate(s));

    @Test
    void damagedRegionsFailOnlyWithGroveExceptions() {
        Property.forAll(DAMAGE).tries(300).check(CorruptionProperties::readOrFailCleanly);
    }

    static void readOrFailCleanly(Damage d) {
        Object graph = d.graph();
        long seed = d.seed();
        int flips = d.flips();
        boolean bodyOnly = d.bodyOnly();
        byte[] bytes;
        try (SharedObject v = Grove.share(graph)) {
            bytes = RegionFiles.bytesOf(v);
        }
        Random random = new Random(seed);
        // Damage the body only, most of the time: the header checksum would catch header damage at once.
        // The lifetime block is left out: its words change in place, unchecked by design (see below).
        int from = bodyOnly ? LIFETIME_END : 0;
        boolean changed = false;
        for (int i = 0; i < flips; i++) {
            int at = from + random.nextInt(bytes.length - from - (bodyOnly ? 0 : LIFETIME_END - LIFETIME_START));
            if (at >= LIFETIME_START && !bodyOnly) {
                at += LIFETIME_END - LIFETIME_START;
            }
            bytes[at] ^= (byte) (1 + random.nextInt(255));
            changed = true;
        }
        // Two copies: a region nobody holds any more is deleted, so each check gets its own.
        String name = RegionFiles.write(bytes);
        String twin = RegionFiles.write(bytes);
        try {
            try (SharedObject damaged = Grove.map("/" + name)) {
                // Values may differ where the damage hit data; reading all of them must not fail otherwise.
                Graphs.canon(damaged);
                reads.incrementAndGet();
            } catch (GroveException expectedFailure) {
                // The allowed failure; any other exception type fails the property.
                failures.incrementAndGet();
            }
            if (changed) {
                assertThrows(RegionCorruptException.class, () -> Grove.verify("/" + twin),
                        "verification notices every changed byte");
            }
        } finally {
            RegionFiles.delete(name);
            RegionFiles.delete(twin);
        }
    }

    private static final int LIFETIME_START = 64, LIFETIME_END = 128;

    @Test
    void theLifetimeBlockIsNotData() {
        Gen<Damage> junk = src -> new Damage(Graphs.containers().generate(src), Gens.longs().generate(src), 0, false);
        Property.forAll(junk).tries(100).check(d -> {
            Object graph = d.graph();
            long seed = d.seed();
            Object expected;
            byte[] bytes;
            try (SharedObject v = Grove.share(graph)) {
                expected = Graphs.canon(v);
                bytes = RegionFiles.bytesOf(v);
            }
            Random random = new Random(seed);
            for (int at = LIFETIME_START; at < LIFETIME_END; at++) {
                bytes[at] = (byte) random.nextInt(256);
            }
            String name = RegionFiles.write(bytes);
            try {
                try (SharedObject v = Grove.map("/" + name)) {
                    org.junit.jupiter.api.Assertions.assertEquals(expected, Graphs.canon(v));
                }
                Grove.verify("/" + name);
            } finally {
                RegionFiles.delete(name);
            }
        });
    }

    private static final AtomicInteger reads = new AtomicInteger();
    private static final AtomicInteger failures = new AtomicInteger();

    @AfterAll
    static void nothingLeaks() {
        // Both outcomes must occur, or the property is not exercising what it claims to.
        assertTrue(reads.get() > 0 && failures.get() > 0, "reads=" + reads + " failures=" + failures);
        Leaks.assertNoRegionsLeft(30);
    }
}

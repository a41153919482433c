package dev.grove;

import dev.grove.check.Gen;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import dev.grove.internal.Store;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SharedRef#toBytes()} and {@link SharedRef#fromBytes}: every reference reads back equal, a generated
 * name costs two numbers, and damage either fails with {@link InvalidPathException} or changes what the
 * reference says in a way mapping refuses (a changed path never keeps the right region id).
 */
class ReferenceBytesProperties {

    /** Names as {@link Store#newName()} makes them, and other names that only look like them. */
    private static final Gen<String> NAMES = Gens.oneOf(
            s -> Store.NAME_PREFIX + Long.toHexString(Gens.longs(0, 1L << 22).generate(s)) + "_"
                    + java.util.HexFormat.of().toHexDigits(Gens.longs().generate(s)),
            Gens.of("grove_01_0123456789abcdef", "grove_1_0123456789ABCDEF", "grove__0123456789abcdef",
                    "grove_1_0123456789abcdef0", "grove_x1_0123456789abcdef", "prices", "x-y_z"),
            Gens.strings(Gens.of('a', 'Z', '7', '_', '-'), 1, 40));

    private static final Gen<SharedRef> REFS = s -> {
        StringBuilder path = new StringBuilder("/").append(NAMES.generate(s));
        for (long index : Gens.longs(0, Long.MAX_VALUE).list(0, 10).generate(s)) {
            path.append('[').append(index).append(']');
        }
        int boot = Gens.booleans().generate(s) ? Gens.ints().filter(b -> b != 0).generate(s) : 0;
        long ticket = Gens.booleans().generate(s) ? Gens.longs().filter(t -> t != 0).generate(s) : 0;
        String store = Gens.of(null, "/dev/shm/grove-x", "/tmp/é store").generate(s);
        return new SharedRef(path.toString(), Gens.longs().generate(s), boot, store, ticket);
    };

    @Test
    void everyReferenceReadsBackEqual() {
        Property.forAll(REFS).tries(2000).check(ref -> assertEquals(ref, SharedRef.fromBytes(ref.toBytes())));
    }

    @Test
    void aGeneratedNameIsWrittenAsNumbers() {
        try (SharedDoubleArray a = Grove.share(new double[] {1})) {
            SharedRef ref = a.ref();
            byte[] bytes = ref.toBytes();
            // form, wire id, pid (at most 4 bytes below 2^28), 64 random bits, boot mark
            assertTrue(bytes.length <= 1 + 8 + 4 + 8 + 4, "reference bytes: " + bytes.length);
            assertEquals(bytes.length + 8, a.ref(Delivery.ONCE).toBytes().length, "a ticket costs 8 bytes");
            SharedRef sub = SharedRef.of(a.path() + "[0]", ref.regionId());
            assertEquals(SharedRef.of(a.path(), ref.regionId()).toBytes().length + 1, sub.toBytes().length);
            assertTrue(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("grove") < 0,
                    "no name text in the bytes");
        }
    }

    @Test
    void damageFailsOrChangesWhatMappingChecks() {
        Gen<Object[]> cases = s -> new Object[] {REFS.generate(s), Gens.ints(0, 1 << 20).generate(s),
                Gens.ints(1, 255).generate(s)};
        Property.forAll(cases).tries(3000).check(c -> {
            SharedRef ref = (SharedRef) c[0];
            byte[] bytes = ref.toBytes();
            bytes[(Integer) c[1] % bytes.length] ^= (byte) (int) (Integer) c[2];
            SharedRef back;
            try {
                back = SharedRef.fromBytes(bytes);
            } catch (InvalidPathException refused) {
                return;
            }
            assertNotEquals(ref, back);
            if (!back.path().equals(ref.path())) {
                assertNotEquals(ref.regionId(), back.regionId(), "a changed path kept the region id: " + back);
            }
        });
    }

    @Test
    void arbitraryBytesFailOnlyWithInvalidPath() {
        Property.forAll(Gens.arrays(byte[].class, Gens.bytes(), 0, 80)).tries(3000).check(b -> {
            try {
                SharedRef r = SharedRef.fromBytes(b);
                assertEquals(r, SharedRef.fromBytes(r.toBytes()));
            } catch (InvalidPathException expected) {
                // the one documented failure
            }
        });
    }

    @Test
    void malformedBytesAreRefusedWithTheirValues() {
        SharedRef ref = new SharedRef("/grove_1f_00000000000000aa[3]", 7, 5, null, 9);
        byte[] good = ref.toBytes();
        List<byte[]> bad = List.of(new byte[0], java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1), new byte[SharedRef.MAX_BYTES + 1]);
        for (byte[] b : bad) {
            InvalidPathException e = assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(b));
            assertTrue(e.getMessage().contains("="), e.getMessage());
        }
        byte[] unknown = good.clone();
        unknown[0] = (byte) 0xC0;
        assertTrue(assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(unknown)).getMessage()
                .contains("form=0xc0"));
        SharedRef huge = new SharedRef("/x", 7, 5, "/" + "d".repeat(SharedRef.MAX_BYTES), 0);
        assertThrows(InvalidPathException.class, huge::toBytes, "refused when written, not only when read");
        byte[] zeroTicket = good.clone();
        java.util.Arrays.fill(zeroTicket, good.length - 8, good.length, (byte) 0);
        try {
            SharedRef.fromBytes(zeroTicket);
            fail("a ticket written as 0 was read");
        } catch (InvalidPathException expected) {
            assertTrue(expected.getMessage().contains("ticket=0"), expected.getMessage());
        }
    }
}

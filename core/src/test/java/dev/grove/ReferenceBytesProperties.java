package dev.grove;

import dev.grove.check.Gen;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import dev.grove.internal.StoreDir;
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

    /** Names as {@link StoreDir#newName()} makes them, and other names that only look like them. */
    private static final Gen<String> NAMES = Gens.oneOf(
            s -> StoreDir.NAME_PREFIX + Long.toHexString(Gens.longs(0, 1L << 22).generate(s)) + "_"
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
        // Region ids are never 0 (a reference read with id 0 and no ticket is refused).
        return new SharedRef(path.toString(), Gens.longs().filter(id -> id != 0).generate(s), boot, store, ticket);
    };

    @Test
    void everyReferenceReadsBackEqual() {
        Property.forAll(REFS).tries(2000).check(ref -> assertEquals(readBack(ref), SharedRef.fromBytes(ref.toBytes())));
    }

    /**
     * {@code ref} as reference bytes give it back: without the region id when its ticket travels in the id's
     * place (a consumed-once reference to a generated name, form kind 3).
     */
    private static SharedRef readBack(SharedRef ref) {
        int kind = ref.toBytes()[0] & 0xC0;
        boolean ticketed = ref.ticket() != 0 && kind != 0x80; // not a path written as text
        assertEquals(ticketed, kind == 0xC0, "a ticketed name, and only that, is form kind 3: " + ref);
        return ticketed ? new SharedRef(ref.path(), 0, ref.bootMark(), ref.store().map(Object::toString).orElse(null),
                ref.ticket()) : ref;
    }

    @Test
    void aGeneratedNameIsWrittenAsNumbers() {
        try (SharedDoubleArray a = Grove.share(new double[] {1})) {
            SharedRef ref = a.ref();
            byte[] bytes = ref.toBytes();
            // form, wire id, pid (at most 4 bytes below 2^28), 64 random bits, boot mark
            assertTrue(bytes.length <= 1 + 8 + 4 + 8 + 4, "reference bytes: " + bytes.length);
            SharedRef once = a.ref(Delivery.ONCE);
            assertEquals(bytes.length, once.toBytes().length, "the ticket takes the region id's place");
            assertEquals(0, SharedRef.fromBytes(once.toBytes()).regionId());
            assertEquals(once.ticket(), SharedRef.fromBytes(once.toBytes()).ticket());
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
            assertNotEquals(readBack(ref), back);
            if (!back.path().equals(ref.path())) {
                assertNotEquals(checkedBy(readBack(ref)), checkedBy(back),
                        "a changed path kept what mapping checks: " + back);
            }
        });
    }

    /** What mapping compares with the region: the id, or for a reference read without one, its ticket. */
    private static long checkedBy(SharedRef r) {
        return r.regionId() != 0 ? r.regionId() : r.ticket();
    }

    @Test
    void arbitraryBytesFailOnlyWithInvalidPath() {
        Property.forAll(Gens.arrays(byte[].class, Gens.bytes(), 0, 80)).tries(3000).check(b -> {
            try {
                SharedRef r = SharedRef.fromBytes(b);
                // Kind 1 with an 8-byte ticket after the boot mark (the first layout) is still read.
                assertEquals(readBack(r), SharedRef.fromBytes(r.toBytes()));
            } catch (InvalidPathException expected) {
                // the one documented failure
            }
        });
    }

    @Test
    void malformedBytesAreRefusedWithTheirValues() {
        SharedRef ref = new SharedRef("/grove_1f_00000000000000aa[3]", 7, 5, null, 0);
        byte[] good = ref.toBytes();
        List<byte[]> bad = List.of(new byte[0], java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1), new byte[SharedRef.MAX_BYTES + 1]);
        for (byte[] b : bad) {
            InvalidPathException e = assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(b));
            assertTrue(e.getMessage().contains("="), e.getMessage());
        }
        byte[] unknown = good.clone();
        unknown[0] = (byte) 0x01;
        assertTrue(assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(unknown)).getMessage()
                .contains("form=0x1"));
        SharedRef huge = new SharedRef("/x", 7, 5, "/" + "d".repeat(SharedRef.MAX_BYTES), 0);
        assertThrows(InvalidPathException.class, huge::toBytes, "refused when written, not only when read");
        byte[] textTicket = new SharedRef("/prices[3]", 7, 5, null, 9).toBytes();
        java.util.Arrays.fill(textTicket, textTicket.length - 8, textTicket.length, (byte) 0);
        byte[] mixedTicket = new SharedRef(ref.path(), 7, 5, null, 9).toBytes();
        mixedTicket[1] ^= 9; // the ticket mixed with the path hash, little-endian: now the hash alone, ticket 0
        for (byte[] zeroTicket : List.of(textTicket, mixedTicket)) {
            try {
                SharedRef.fromBytes(zeroTicket);
                fail("a ticket written as 0 was read");
            } catch (InvalidPathException expected) {
                assertTrue(expected.getMessage().contains("ticket=0"), expected.getMessage());
            }
        }
        // A region id of 0 (the wire id equal to the path hash) is only taken with a ticket.
        byte[] noId = ref.toBytes();
        long hash = dev.grove.internal.Hashing.fnv1a(ref.path().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.ByteBuffer.wrap(noId).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1, hash);
        assertTrue(assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(noId)).getMessage().contains("id=0"));
        assertThrows(InvalidPathException.class, () -> SharedRef.fromWire(ref.path(), hash));
        assertEquals(9, SharedRef.fromWire(ref.path() + "~0000000000000009", hash).ticket());
        assertThrows(InvalidPathException.class, () -> SharedRef.parse(ref.path() + "#0000000000000000"));
        assertEquals(9, SharedRef.parse(ref.path() + "#0000000000000000~0000000000000009").ticket());
        byte[] noTicket = new SharedRef(ref.path(), 7, 5, null, 9).toBytes();
        noTicket[0] &= ~0x10;
        assertThrows(InvalidPathException.class, () -> SharedRef.fromBytes(noTicket),
                "a name known by its ticket must say it has one");
    }
}

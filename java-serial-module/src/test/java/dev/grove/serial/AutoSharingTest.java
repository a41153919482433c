package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.InvalidPathException;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.StaleReferenceException;
import dev.grove.internal.Regions;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** SharingObjectOutputStream above and below its threshold, tampered proxies, and input filters. */
class AutoSharingTest {

    private static Payload sample(int n) {
        Payload p = new Payload();
        p.name = "station";
        p.year = 2026;
        p.values = new double[n];
        p.stamps = new long[n];
        for (int i = 0; i < n; i++) {
            p.values[i] = i * 0.25;
            p.stamps[i] = 1_700_000_000_000L + i;
        }
        p.small = new int[] {1, 2, 3};
        return p;
    }

    @Test
    void largeArraysAreSharedSmallOnesStayInline() throws Exception {
        Payload p = sample(1_000_000);
        byte[] shared = Streams.writeSharing(p, 64 * 1024);
        byte[] plain = Streams.write(p);
        System.out.printf("java.io: %d bytes with automatic sharing, %d bytes plain%n", shared.length, plain.length);
        assertTrue(shared.length < 1024, "two 8 MB arrays cross as references: " + shared.length);
        Payload back;
        try (ObjectInputStream in = new SharingObjectInputStream(new ByteArrayInputStream(shared))) {
            back = (Payload) in.readObject();
        }
        assertEquals("station", back.name);
        assertEquals(2026, back.year);
        assertArrayEquals(p.values, back.values);
        assertArrayEquals(p.stamps, back.stamps);
        assertArrayEquals(p.small, back.small);

        Payload below = sample(100);
        int mapped = Regions.mappedHere().size();
        byte[] inline = Streams.writeSharing(below, 64 * 1024);
        assertEquals(mapped, Regions.mappedHere().size());
        assertTrue(inline.length > 100 * 16, "below the threshold the bytes stay inline: " + inline.length);
        Payload belowBack = (Payload) Streams.read(inline);
        assertArrayEquals(below.values, belowBack.values);
    }

    /** With a disk threshold set, the sharing stream's regions for 10 MiB arrays land in the disk store. */
    @Test
    void aboveTheDiskThresholdSharedArraysGoToDisk() throws Exception {
        dev.grove.test.DiskPlacement.with("1m", "stream-disk", disk -> {
            Payload p = sample(10 << 20 >> 3); // two 10 MiB arrays
            java.util.Set<String> inMemory = java.util.Set.copyOf(dev.grove.RegionStore.defaultStore().regionNames());
            byte[] wire = Streams.writeSharing(p, 64 * 1024);
            assertEquals(2, dev.grove.RegionStore.open(disk).regionNames().size(), "both arrays' regions are on disk");
            assertEquals(inMemory, java.util.Set.copyOf(dev.grove.RegionStore.defaultStore().regionNames()));
            Payload back = (Payload) Streams.read(wire);
            assertArrayEquals(p.values, back.values);
            assertEquals(List.of(), dev.grove.RegionStore.open(disk).awaitEmpty(java.time.Duration.ofSeconds(120)));
        });
    }

    /** The same array twice in one stream is shared once, and read back as one array (identity kept). */
    @Test
    void theSameArrayTwiceInAStreamIsSharedOnce() throws Exception {
        Payload p = sample(200_000); // 1.6 MB of doubles
        p.data = p.values;
        java.util.Set<String> before = java.util.Set.copyOf(dev.grove.RegionStore.defaultStore().regionNames());
        byte[] wire = Streams.writeSharing(p, 64 * 1024);
        java.util.Set<String> made = new java.util.HashSet<>(dev.grove.RegionStore.defaultStore().regionNames());
        made.removeAll(before);
        assertEquals(2, made.size(), "one region for values (written twice) and one for stamps: " + made);
        Payload back = (Payload) Streams.read(wire);
        assertSame(back.values, back.data, "one array read back, referenced twice");
        assertArrayEquals(p.values, back.values);
    }

    @Test
    void viewsInsideAutoSharedGraphsStayViews() throws Exception {
        try (SharedDoubleArray prices = Grove.share(new double[] {1, 2})) {
            Payload p = sample(10);
            p.prices = prices;
            byte[] wire = Streams.writeSharing(p, 0);
            dev.grove.test.KernelLocks.assertHeldHere(prices, "after an object stream wrote it");
            Payload back = (Payload) Streams.read(wire);
            assertEquals(prices.path(), ((SharedObject) back.prices).path());
            assertEquals(List.of(1.0, 2.0), back.prices);
            assertArrayEquals(p.values, back.values);
            ((SharedObject) back.prices).close();
        }
    }

    @Test
    void tamperedProxiesAreRejectedWithTheCause() throws Exception {
        try (SharedDoubleArray v = Grove.share(new double[] {1, 2, 3})) {
            byte[] good = Streams.write(v);
            byte[] ref = v.ref().toBytes();
            int at = dev.grove.test.Bytes.indexOf(good, ref);
            // Layout of the proxy's data: tag, u16 length, reference bytes (form, wire id, name, boot mark).
            assertEquals(4, good[at - 3], "tag 4: a view, as reference bytes");
            assertEquals(ref.length, (good[at - 2] & 0xFF) << 8 | good[at - 1] & 0xFF);

            byte[] badTag = good.clone();
            badTag[at - 3] = 9;
            assertThrows(StreamCorruptedException.class, () -> Streams.read(badTag));

            byte[] tooLong = good.clone();
            tooLong[at - 2] = 0x7F;
            assertTrue(assertThrows(StreamCorruptedException.class, () -> Streams.read(tooLong)).getMessage()
                    .contains("max=" + dev.grove.SharedRef.MAX_BYTES));

            byte[] badForm = good.clone();
            badForm[at] = 0x01;
            InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> Streams.read(badForm));
            assertInstanceOf(InvalidPathException.class, e.getCause());

            byte[] badId = good.clone();
            badId[at + 1] ^= 1;
            e = assertThrows(InvalidObjectException.class, () -> Streams.read(badId));
            assertInstanceOf(StaleReferenceException.class, e.getCause());

            byte[] badName = good.clone();
            badName[at + ref.length - 5] ^= 1; // the name's last random byte, before the 4-byte boot mark
            e = assertThrows(InvalidObjectException.class, () -> Streams.read(badName));
            assertInstanceOf(dev.grove.RegionNotFoundException.class, e.getCause());

            byte[] truncated = Arrays.copyOf(good, at + 4);
            Exception t = assertThrows(Exception.class, () -> Streams.read(truncated));
            assertTrue(t instanceof StreamCorruptedException || t instanceof java.io.EOFException, t.toString());
        }
        byte[] badArray = Streams.writeSharing(new double[100_000], 0);
        int form = consumedOnceArrayAt(badArray);
        byte[] badTicket = badArray.clone();
        badTicket[form + 1] ^= 1; // the ticket, mixed with the path hash
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> Streams.read(badTicket));
        assertInstanceOf(StaleReferenceException.class, e.getCause());
        badArray[form] = 0x01;
        e = assertThrows(InvalidObjectException.class, () -> Streams.read(badArray));
        assertInstanceOf(InvalidPathException.class, e.getCause());
        assertArrayEquals(new double[100_000], (double[]) Streams.read(Streams.writeSharing(new double[100_000], 0)));
    }

    /**
     * Where the reference bytes of the array a sharing stream wrote begin: after tag 6 (an array to copy
     * back, as reference bytes) and a u16 length, with a form byte of kind 3 (consumed once).
     */
    private static int consumedOnceArrayAt(byte[] stream) {
        for (int i = 0; i + 3 < stream.length; i++) {
            int length = (stream[i + 1] & 0xFF) << 8 | stream[i + 2] & 0xFF;
            if (stream[i] == 6 && length >= 20 && length <= 40 && (stream[i + 3] & 0xC0) == 0xC0) {
                return i + 3;
            }
        }
        throw new AssertionError("no consumed-once array proxy in " + Arrays.toString(stream));
    }

    /** The proxy's size, at most 100 bytes (issue 16), whether it carries a fan-out or a consumed-once reference. */
    @Test
    void aProxyTakesAtMost100Bytes() {
        try (SharedDoubleArray v = Grove.share(new double[1 << 20])) {
            int view = Streams.write(v).length;
            int once = Streams.write(v.ref(dev.grove.Delivery.ONCE)).length;
            int stream = Streams.writeSharing(new double[1 << 20], 0).length;
            System.out.printf("java.io proxy: view %d bytes, consumed-once reference %d, sharing stream %d%n", view,
                    once, stream);
            assertTrue(view <= 100 && once <= 100 && stream <= 100, view + " " + once + " " + stream);
        }
    }

    /** Proxies written before reference bytes (tags 1 to 3, the wire text and the wire id) are still read. */
    @Test
    void theEarlierProxyFormIsStillRead() throws Exception {
        try (SharedDoubleArray v = Grove.share(new double[] {7, 8})) {
            SharedObject view = (SharedObject) Streams.read(earlierForm(Streams.write(v), v.ref(), 1));
            assertEquals(v.path(), view.path());
            assertArrayEquals(new double[] {7, 8}, ((SharedDoubleArray) view).toDoubleArray());
            view.close();
            assertEquals(v.ref(), Streams.read(earlierForm(Streams.write(v.ref()), v.ref(), 2)));
            assertArrayEquals(new double[] {7, 8},
                    (double[]) Streams.read(earlierForm(Streams.write(v.ref().copyOnRead()), v.ref(), 3)));
        }
    }

    /** {@code stream} with its one proxy, which holds {@code ref}, rewritten as tag {@code tag} wrote it. */
    private static byte[] earlierForm(byte[] stream, dev.grove.SharedRef ref, int tag) throws java.io.IOException {
        byte[] bytes = ref.toBytes();
        int at = dev.grove.test.Bytes.indexOf(stream, bytes);
        // The proxy's data is one short block: TC_BLOCKDATA, its length, then tag, u16 length, bytes.
        assertEquals(0x77, stream[at - 5] & 0xFF);
        assertEquals(tag + 3, stream[at - 3]);
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(block)) {
            out.writeByte(tag);
            out.writeUTF(ref.wireText());
            out.writeLong(ref.wireId());
        }
        java.io.ByteArrayOutputStream earlier = new java.io.ByteArrayOutputStream();
        earlier.write(stream, 0, at - 4);
        earlier.write(block.size());
        earlier.write(block.toByteArray());
        earlier.write(stream, at + bytes.length, stream.length - at - bytes.length);
        return earlier.toByteArray();
    }

    @Test
    void strictFiltersAdmitGroveProxiesOnly() throws Exception {
        byte[] view;
        try (SharedDoubleArray v = Grove.share(new double[] {5})) {
            view = Streams.write(v);
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(view))) {
                in.setObjectInputFilter(GroveSerialFilter.strict(null));
                try (SharedObject back = (SharedObject) in.readObject()) {
                    assertEquals(v.path(), back.path());
                }
            }
        }
        byte[] foreign = Streams.write(new java.util.Date());
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(foreign))) {
            in.setObjectInputFilter(GroveSerialFilter.strict(null));
            assertThrows(InvalidClassException.class, in::readObject);
        }
        byte[] payload = Streams.writeSharing(sample(100_000), 1024);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            in.setObjectInputFilter(GroveSerialFilter.strict("dev.grove.serial.Payload"));
            assertArrayEquals(sample(100_000).values, ((Payload) in.readObject()).values);
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

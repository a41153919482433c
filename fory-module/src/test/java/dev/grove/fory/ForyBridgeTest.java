package dev.grove.fory;

import dev.grove.Grove;
import dev.grove.RegionStore;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.internal.Regions;
import dev.grove.test.Leaks;
import org.apache.fory.BaseFory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Ordinary arrays in the user's own classes go through shared memory above the threshold, inline below. */
class ForyBridgeTest {

    /** A user's class that knows nothing of Grove. */
    public static final class Measurements {
        public String station;
        public int year;
        public double[] temperatures;
        public long[] timestamps;
        public byte[] raw;
        public int[] small;
        public List<Object> extras;

        public Measurements() {
        }
    }

    private static BaseFory fory() {
        BaseFory f = Forys.fory(true, false, false);
        f.register(Measurements.class, 301);
        return f;
    }

    private static Measurements sample(int n) {
        Measurements m = new Measurements();
        m.station = "Lugano";
        m.year = 2026;
        m.temperatures = new double[n];
        m.timestamps = new long[n];
        m.raw = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            m.temperatures[i] = Math.sin(i);
            m.timestamps[i] = 1_700_000_000_000L + i;
        }
        for (int i = 0; i < m.raw.length; i++) {
            m.raw[i] = (byte) i;
        }
        m.small = new int[] {1, 2, 3};
        return m;
    }

    /**
     * One bridge message shares an array once however often the graph holds it, with Fory's reference
     * tracking or without: one out-of-band buffer, and the receiver gets one array in both places.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anArrayTwiceInOneMessageIsSharedOnce(boolean refTracking) {
        org.apache.fory.Fory fory = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(false).withRefTracking(refTracking).build();
        ForyBridge bridge = ForyBridge.of(fory);
        double[] big = new double[100_000];
        big[7] = 7;
        int[] small = {1, 2, 3};
        byte[] message = bridge.serialize(new ArrayList<>(List.of(big, small, big, small)));
        assertEquals(1, java.nio.ByteBuffer.wrap(message, 2, 4).getInt(), "out-of-band buffers in the message");
        List<?> back = (List<?>) bridge.deserialize(message);
        assertSame(back.get(0), back.get(2));
        assertSame(back.get(1), back.get(3));
        assertEquals(7.0, ((double[]) back.get(0))[7]);
        assertEquals(3, ((int[]) back.get(3))[2]);
        Leaks.assertNoRegionsLeft(10);
    }

    /**
     * A receiver cannot forget Grove's serializers behind a bridge: {@code ForyBridge.of} registers them
     * (and registering again, by hand, is harmless), so a view inside a bridged graph arrives as a view.
     */
    @Test
    void theBridgeRegistersGroveItself() {
        org.apache.fory.Fory bare = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(false).build();
        ForyBridge bridge = ForyBridge.of(bare);
        GroveSerializers.register(bare);
        try (SharedDoubleArray v = Grove.share(new double[] {4, 5, 6})) {
            Object back = bridge.deserialize(bridge.serialize(List.of(v)));
            SharedDoubleArray w = (SharedDoubleArray) ((List<?>) back).get(0);
            assertEquals(v.path(), w.path());
            assertEquals(6.0, w.getDouble(2));
            w.close();
        }
        assertThrows(IllegalArgumentException.class, () -> GroveSerializers.register(bare, 5_000),
                "Grove registered from another first id must be refused, not half-registered");
        // A bridge made again over a Fory in use (a bridge per message) registers nothing twice.
        ForyBridge again = ForyBridge.of(bare);
        assertArrayEquals(new double[] {1, 2}, (double[]) again.deserialize(again.serialize(new double[] {1, 2})));

        // A Fory already used takes no registration: the bridge says so, naming the fix.
        org.apache.fory.Fory used = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(false).build();
        used.deserialize(used.serialize("x"));
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> ForyBridge.of(used));
        assertTrue(late.getMessage().contains("not yet used"), late.getMessage());

        org.apache.fory.Fory custom = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(false).build();
        GroveSerializers.register(custom, 3_000);
        ForyBridge onCustom = ForyBridge.of(custom); // keeps the user's ids
        try (SharedDoubleArray v = Grove.share(new double[] {7})) {
            SharedDoubleArray w = (SharedDoubleArray) onCustom.deserialize(onCustom.serialize(v));
            assertEquals(7.0, w.getDouble(0));
            w.close();
        }
    }

    /**
     * The bridge's array serializers change nothing outside bridge messages: Fory's copy still copies arrays
     * (they are mutable), and with reference tracking a plain round trip keeps one array held twice as one.
     */
    @Test
    void outsideBridgeMessagesArraysBehaveAsForysOwn() {
        org.apache.fory.Fory fory = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(false).withRefTracking(true).build();
        ForyBridge.of(fory);
        double[] a = {1, 2, 3};
        List<double[]> copied = fory.copy(new ArrayList<>(List.of(a)));
        assertNotSame(a, copied.get(0), "a copy of a mutable array");
        assertArrayEquals(a, copied.get(0));
        List<?> back = (List<?>) fory.deserialize(fory.serialize(new ArrayList<>(List.of(a, a))));
        assertSame(back.get(0), back.get(1));
    }

    /**
     * A forged message that names the same shared bytes twice (or out of order) is refused: otherwise a small
     * message could make the reader allocate the region's size once per descriptor, outside any budget.
     */
    @Test
    void repeatedOutOfBandBuffersAreRefused() {
        ForyBridge bridge = ForyBridge.of(fory());
        byte[] message = bridge.serialize(new ArrayList<>(List.of(new double[10_000], new double[10_000])));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(message);
        assertEquals(2, b.getInt(2));
        int first = 8 + Short.toUnsignedInt(b.getShort(6)); // after the reference bytes and their length
        b.putLong(first + 12, b.getLong(first)); // the second buffer now starts where the first does
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bridge.deserialize(message));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        Leaks.assertNoRegionsLeft(10);
    }

    /**
     * A default-configured Fory refuses graphs over 128 MiB; a bridge message's arrays are in shared memory,
     * not in the message, so 200 MB arrays (alone and as a field) still arrive. Plain Fory on the same
     * settings keeps its budget (the control: it refuses the same array in its own bytes).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(org.apache.fory.config.Language.class)
    void twoHundredMegabytesThroughADefaultConfiguredFory(org.apache.fory.config.Language language) {
        org.apache.fory.Fory plain = org.apache.fory.Fory.builder().withLanguage(language).requireClassRegistration(false).build();
        GroveSerializers.register(plain);
        plain.register(Measurements.class, 301);
        ForyBridge bridge = ForyBridge.of(plain);
        double[] big = new double[25_000_000];
        big[0] = 1;
        big[big.length - 1] = 3;
        double[] back = (double[]) bridge.deserialize(bridge.serialize(big));
        assertEquals(big.length, back.length);
        assertEquals(1, back[0]);
        assertEquals(3, back[back.length - 1]);
        back = null;

        Measurements m = new Measurements();
        m.station = "big";
        m.temperatures = big;
        m.timestamps = new long[1];
        m.raw = new byte[1];
        m.small = new int[1];
        m.extras = new ArrayList<>(); // cross-language Fory writes no null fields by default
        big = null;
        Measurements mb = (Measurements) bridge.deserialize(bridge.serialize(m));
        assertEquals(3, mb.temperatures[mb.temperatures.length - 1]);
        mb = null;

        byte[] inline = plain.serialize(m.temperatures);
        assertThrows(org.apache.fory.exception.InsecureException.class, () -> plain.deserialize(inline),
                "outside a bridge message the graph-memory budget must still apply");
        m = null;
        Leaks.assertNoRegionsLeft(10);
    }

    /**
     * A bridge message is read once: its receiver's copy hands the region back, and the next message of the
     * same size is written into the same file (same inode, as the kernel reports it); reading a message a
     * second time is refused. A fan-out bridge's messages can be read again until their lease ends.
     */
    @Test
    void eachMessageIsReadOnceAndItsRegionCarriesTheNext() throws Exception {
        ForyBridge bridge = ForyBridge.of(fory());
        assertEquals(dev.grove.Delivery.ONCE, bridge.delivery());
        java.util.Set<String> before = java.util.Set.copyOf(RegionStore.defaultStore().regionNames());
        java.util.Set<Long> inodes = new java.util.HashSet<>();
        byte[] first = null;
        for (int i = 0; i < 40; i++) {
            Measurements m = sample(20_000);
            m.temperatures[0] = i;
            byte[] wire = bridge.serialize(m);
            for (String name : RegionStore.defaultStore().regionNames()) {
                if (!before.contains(name)) {
                    inodes.add(dev.grove.test.KernelLocks.inode(RegionStore.defaultStore().file("/" + name)));
                }
            }
            Measurements back = (Measurements) bridge.deserialize(wire);
            assertEquals(i, back.temperatures[0]);
            assertArrayEquals(m.raw, back.raw);
            if (i == 0) {
                first = wire;
            }
        }
        byte[] again = first;
        assertThrows(dev.grove.StaleReferenceException.class, () -> bridge.deserialize(again), "read twice");
        assertTrue(inodes.size() <= 2, "40 messages in " + inodes.size() + " files");

        ForyBridge fanOut = bridge.withDelivery(dev.grove.Delivery.FAN_OUT);
        byte[] wire = fanOut.serialize(sample(20_000));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(sample(20_000).timestamps, ((Measurements) fanOut.deserialize(wire)).timestamps);
        }
        for (String name : RegionStore.defaultStore().regionNames()) {
            if (!before.contains(name)) { // the fan-out message's lease would keep it for a minute
                RegionStore.defaultStore().delete("/" + name);
            }
        }
        Leaks.assertNoRegionsLeft(20);
    }

    @Test
    void largeArraysGoThroughSharedMemoryAndComeBackAsArrays() {
        ForyBridge bridge = ForyBridge.of(fory());
        Measurements m = sample(500_000);
        try (SharedDoubleArray view = Grove.share(new double[] {42})) {
            m.extras = new ArrayList<>(List.of(view, "note"));
            byte[] wire = bridge.serialize(m);
            byte[] plain = fory().serialize(m);
            System.out.printf("bridge: %d bytes on the wire for %d bytes of arrays (plain Fory: %d)%n",
                    wire.length, 500_000 * 19, plain.length);
            assertTrue(wire.length < 1024, "three large arrays travel as one reference: " + wire.length);
            Measurements back = (Measurements) bridge.deserialize(wire);
            assertEquals("Lugano", back.station);
            assertEquals(2026, back.year);
            assertArrayEquals(m.temperatures, back.temperatures);
            assertArrayEquals(m.timestamps, back.timestamps);
            assertArrayEquals(m.raw, back.raw);
            assertArrayEquals(m.small, back.small);
            assertEquals(view.path(), ((SharedObject) back.extras.get(0)).path(), "explicit views stay views");
            assertEquals("note", back.extras.get(1));
            ((SharedObject) back.extras.get(0)).close();
        }
    }

    /** With a disk threshold set, the bridge's region for a 10 MiB array lands in the disk store (exm's placement). */
    @Test
    void aboveTheDiskThresholdTheBridgesRegionIsOnDisk() throws Exception {
        dev.grove.test.DiskPlacement.with("1m", "bridge-disk", disk -> {
            ForyBridge bridge = ForyBridge.of(fory());
            Measurements m = sample(10 << 20 >> 3); // 10 MiB of doubles (and more of the other arrays)
            java.util.Set<String> inMemory = java.util.Set.copyOf(RegionStore.defaultStore().regionNames());
            byte[] wire = bridge.serialize(m);
            assertEquals(1, RegionStore.open(disk).regionNames().size(), "the message's region is on disk");
            assertEquals(inMemory, java.util.Set.copyOf(RegionStore.defaultStore().regionNames()), "none in memory");
            Measurements back = (Measurements) bridge.deserialize(wire);
            assertArrayEquals(m.temperatures, back.temperatures);
            assertEquals(java.util.List.of(), RegionStore.open(disk).awaitEmpty(java.time.Duration.ofSeconds(120)));
        });
    }

    /**
     * The bridge copies arrays into its region in bulk (on several cores when large) and takes the region's
     * checksum as it copies; arrays Fory writes itself (boolean) and the padding between arrays are read
     * again by the seal. Read back from the file with read(2), the checksum holds.
     */
    @Test
    void theBridgesRegionCarriesTheChecksumOfItsBytes() {
        ForyBridge bridge = ForyBridge.of(fory()).withDelivery(dev.grove.Delivery.FAN_OUT);
        java.util.Set<String> before = java.util.Set.copyOf(RegionStore.defaultStore().regionNames());
        Measurements m = sample(700_001); // 5.6 MB of doubles; raw is 2,100,003 bytes, padded to 8
        boolean[] flags = new boolean[100_000];
        flags[99_999] = true;
        char[] chars = new char[50_001];
        chars[50_000] = 'z';
        m.extras = new ArrayList<>(List.of(flags, chars));
        byte[] wire = bridge.serialize(m);
        List<String> made = RegionStore.defaultStore().regionNames().stream().filter(n -> !before.contains(n)).toList();
        assertEquals(1, made.size(), "one region per message: " + made);
        dev.grove.test.RegionFiles.assertBodyChecksumHolds(RegionStore.defaultStore().file("/" + made.get(0)));
        Measurements back = (Measurements) bridge.deserialize(wire);
        assertArrayEquals(m.temperatures, back.temperatures);
        assertArrayEquals(m.timestamps, back.timestamps);
        assertArrayEquals(m.raw, back.raw);
        assertArrayEquals(flags, (boolean[]) back.extras.get(0));
        assertArrayEquals(chars, (char[]) back.extras.get(1));
        RegionStore.defaultStore().delete("/" + made.get(0)); // its fan-out lease would keep it for a minute
    }

    @Test
    void smallArraysStayInline() {
        ForyBridge bridge = ForyBridge.of(fory()).withThreshold(1 << 20);
        Measurements m = sample(1000);
        int before = Regions.mappedHere().size();
        byte[] wire = bridge.serialize(m);
        assertEquals(before, Regions.mappedHere().size());
        assertTrue(wire.length > 1000 * 19, "inline: " + wire.length);
        Measurements back = (Measurements) bridge.deserialize(wire);
        assertArrayEquals(m.temperatures, back.temperatures);
        assertArrayEquals(m.raw, back.raw);
    }

    @Test
    void malformedMessagesAreRejected() {
        ForyBridge bridge = ForyBridge.of(fory()).withThreshold(0);
        assertThrows(IllegalArgumentException.class, () -> bridge.deserialize(new byte[] {1, 2, 3, 4, 5, 6, 7}));
        byte[] wire = bridge.serialize(sample(10));
        byte[] cut = java.util.Arrays.copyOf(wire, 12);
        assertThrows(IllegalArgumentException.class, () -> bridge.deserialize(cut));
        assertThrows(IllegalArgumentException.class, () -> bridge.withThreshold(-1));
        assertNotNull(bridge.deserialize(wire));
    }

    /**
     * The message carries its region's reference as reference bytes (version 3); version 2 messages, with the
     * wire text and the wire id in their place, are still read; a damaged reference is a Grove failure that
     * leaves the undamaged message readable.
     */
    @Test
    void theReferenceTravelsAsReferenceBytesAndVersion2IsStillRead() throws Exception {
        ForyBridge bridge = ForyBridge.of(fory()).withThreshold(0);
        Measurements m = sample(1000);
        byte[] wire = bridge.serialize(m);
        assertEquals(3, wire[1], "version");
        int length = (wire[6] & 0xFF) << 8 | wire[7] & 0xFF;
        dev.grove.SharedRef ref = dev.grove.SharedRef.fromBytes(java.util.Arrays.copyOfRange(wire, 8, 8 + length));
        assertEquals(dev.grove.Delivery.ONCE, ref.delivery());
        assertTrue(length <= 32, "reference bytes: " + length);

        // A version 2 writer sent the wire text and the wire id of the region's real id (reference bytes of a
        // consumed-once reference carry none): read it from the region's header.
        long id = Regions.header(dev.grove.internal.StoreDir.defaultStore(), ref.regionName()).id();
        long wireId = id ^ dev.grove.internal.Hashing.fnv1a(ref.path().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.function.LongFunction<byte[]> version2 = wid -> {
            java.io.ByteArrayOutputStream v2 = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(v2)) {
                out.write(wire, 0, 6);
                out.writeUTF(ref.wireText());
                out.writeLong(wid);
                out.write(wire, 8 + length, wire.length - 8 - length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] b = v2.toByteArray();
            b[1] = 2;
            return b;
        };
        assertThrows(dev.grove.StaleReferenceException.class, () -> bridge.deserialize(version2.apply(wireId ^ 1)),
                "version 2's region id is checked");
        Measurements back = (Measurements) bridge.deserialize(version2.apply(wireId));
        assertArrayEquals(m.temperatures, back.temperatures);
        assertArrayEquals(m.raw, back.raw);

        byte[] next = bridge.serialize(m);
        byte[] damaged = next.clone();
        damaged[9] ^= 1; // the ticket word, after the length and the form byte
        assertThrows(dev.grove.StaleReferenceException.class, () -> bridge.deserialize(damaged));
        byte[] tooLong = next.clone();
        tooLong[6] = (byte) 0xFF;
        assertThrows(IllegalArgumentException.class, () -> bridge.deserialize(tooLong));
        back = (Measurements) bridge.deserialize(next);
        assertArrayEquals(m.temperatures, back.temperatures);
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

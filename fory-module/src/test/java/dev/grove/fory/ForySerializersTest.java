package dev.grove.fory;

import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.SharedObject;
import dev.grove.SharedRef;
import dev.grove.SharedString;
import dev.grove.SharedTable;
import dev.grove.StaleReferenceException;
import dev.grove.Table;
import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import org.apache.fory.BaseFory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Views through Fory: by reference, at the root, in collections and in fields, in every configuration. */
class ForySerializersTest {
    private static final List<BaseFory> FORYS = Forys.all();

    /** Type ids are wire format: this table is what peers of every version agree on, and must never change. */
    @Test
    void everyClassKeepsItsTypeId() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        String[] names = {"SharedBooleanArray", "SharedByteArray", "SharedCharArray", "SharedShortArray",
                "SharedIntArray", "SharedLongArray", "SharedFloatArray", "SharedDoubleArray", "ObjectList",
                "StringList", "SharedMap", "SharedTable", "SharedMatrix", "SharedString", "SharedValue"};
        for (int i = 0; i < names.length; i++) {
            expected.put(names[i], 1200 + i);
        }
        expected.put("SharedRef", 1215);
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (Class<?> c : GroveSerializers.VIEW_CLASSES) {
            actual.put(c.getSimpleName(), GroveSerializers.typeId(c, GroveSerializers.DEFAULT_FIRST_ID));
        }
        actual.put("SharedRef", GroveSerializers.typeId(SharedRef.class, GroveSerializers.DEFAULT_FIRST_ID));
        assertEquals(expected, actual);
        assertEquals(1215 + 100, GroveSerializers.typeId(SharedRef.class, GroveSerializers.DEFAULT_FIRST_ID + 100));
        assertThrows(IllegalArgumentException.class, () -> GroveSerializers.typeId(String.class, 1200));
    }

    @Test
    void viewsAtTheRootTravelAsReferences() {
        for (int i = 0; i < FORYS.size(); i++) {
            BaseFory fory = FORYS.get(i);
            String config = Forys.describe(i);
            try (SharedDoubleArray a = Grove.share(new double[] {1, 2, 3});
                 SharedList<String> s = Grove.share(new String[] {"a", null});
                 SharedMap<Object> m = Grove.share(new LinkedHashMap<>(Map.of("k", (Object) List.of(1, "x"))));
                 SharedString str = Grove.share("text");
                 SharedTable t = Grove.share(Table.builder().column("c", new int[] {4, 5}).build())) {
                for (SharedObject v : List.<SharedObject>of(a, s, m, str, t)) {
                    byte[] wire = fory.serialize(v);
                    // Serializing takes a reference (a lease); the kernel must still list this process's lock.
                    dev.grove.test.KernelLocks.assertHeldHere(v, "after Fory serialized it (" + config + ")");
                    Object back = fory.deserialize(wire);
                    assertEquals(v.getClass(), back.getClass(), config);
                    assertEquals(v.path(), ((SharedObject) back).path(), config);
                    assertEquals(Graphs.canon(v), Graphs.canon(back), config);
                    ((SharedObject) back).close();
                }
                SharedRef ref = a.ref();
                assertEquals(ref, fory.deserialize(fory.serialize(ref)), config);
            }
        }
    }

    @Test
    void viewsInFieldsDeclaredAsInterfacesAndInsideCollections() {
        for (int i = 0; i < FORYS.size(); i++) {
            BaseFory fory = FORYS.get(i);
            String config = Forys.describe(i);
            try (SharedList<Double> prices = Grove.share(List.of(1.5, 2.5));
                 SharedList<Object> mixed = Grove.share(new ArrayList<>(List.of(1, "two", List.of(3.0))));
                 SharedMap<Object> meta = Grove.share(new LinkedHashMap<>(Map.of("a", (Object) 1)));
                 SharedString label = Grove.share("label");
                 SharedDoubleArray sub = Grove.share(new double[] {9})) {
                Forys.Payload p = new Forys.Payload();
                p.name = "plain";
                p.count = 3;
                p.prices = prices;
                p.mixed = mixed;
                p.meta = meta;
                p.label = label;
                p.anything = new ArrayList<>(List.of(sub, "inline", 7));
                Forys.Payload back = (Forys.Payload) fory.deserialize(fory.serialize(p));
                assertEquals("plain", back.name, config);
                assertEquals(3, back.count);
                assertEquals(prices, back.prices, config);
                assertEquals(prices.path(), ((SharedObject) back.prices).path(), config);
                assertEquals(mixed, back.mixed);
                assertEquals(meta, back.meta);
                assertEquals("label", back.label.toString());
                assertInstanceOf(SharedString.class, back.label);
                List<?> anything = (List<?>) back.anything;
                assertEquals(sub.path(), ((SharedObject) anything.get(0)).path());
                assertEquals(List.of("inline", 7), anything.subList(1, 3));
            }
        }
    }

    @Test
    void sizeOnTheWireDoesNotDependOnTheDataSize() {
        BaseFory fory = FORYS.get(0);
        int small;
        int large;
        int once;
        try (SharedDoubleArray tiny = Grove.share(new double[10])) {
            small = fory.serialize(tiny).length;
        }
        try (SharedDoubleArray big = Grove.share(new double[128 << 20])) {
            large = fory.serialize(big).length;
            once = fory.serialize(big.ref(dev.grove.Delivery.ONCE)).length;
            System.out.printf("Fory bytes for a shared double[]: 10 elements %d B, 1 GiB %d B, consumed-once reference %d B%n",
                    small, large, once);
        }
        assertEquals(small, large, "a 1 GiB array costs what a 10-element one does");
        assertTrue(large <= 32, "at most 32 bytes: " + large);
        // The ticket travels where a fan-out reference's region id does.
        assertTrue(once <= 32, "a consumed-once reference, at most 32 bytes too: " + once);
    }

    /** Where {@code ref}'s reference bytes sit in a Fory message that carries it. */
    private static int referenceAt(byte[] message, SharedRef ref) {
        return dev.grove.test.Bytes.indexOf(message, ref.toBytes());
    }

    @Test
    void badReferencesGiveGroveExceptions() throws Exception {
        BaseFory fory = FORYS.get(0);
        byte[] good;
        String path;
        try (SharedDoubleArray a = Grove.share(new double[] {1})) {
            good = fory.serialize(a);
            path = a.path();
            int at = referenceAt(good, a.ref());
            // A stale id: same name, other id (the wire id follows the form byte).
            byte[] stale = good.clone();
            stale[at + 1] ^= 1;
            assertGroveCause(StaleReferenceException.class, () -> fory.deserialize(stale));
            // Another boot: the boot mark ends a reference to the default store.
            byte[] otherBoot = good.clone();
            otherBoot[at + a.ref().toBytes().length - 1] ^= 1;
            assertGroveCause(StaleReferenceException.class, () -> fory.deserialize(otherBoot));
            // Another part of the same region: the wire id binds the path, so this reads as stale.
            try (SharedList<Object> list = Grove.share(new ArrayList<>(List.of(1.5, "x")))) {
                try (SharedObject first = Grove.map(list.path() + "[1]")) {
                    byte[] sub = fory.serialize(first);
                    byte[] bytes = first.ref().toBytes();
                    // The index is the last byte before the 4-byte boot mark.
                    int index = referenceAt(sub, first.ref()) + bytes.length - 5;
                    assertEquals(1, sub[index]);
                    sub[index] = 0;
                    assertGroveCause(StaleReferenceException.class, () -> fory.deserialize(sub));
                }
            }
            // A path past the end of the region.
            byte[] past = fory.serialize(SharedRef.of(path + "[0]", a.ref().regionId()));
            Object ref = fory.deserialize(past);
            assertThrows(GroveException.class, () -> Grove.map((SharedRef) ref));
            // An unknown form byte, and lengths that run past the message.
            byte[] form = good.clone();
            form[at] = (byte) 0x01;
            assertGroveCause(dev.grove.InvalidPathException.class, () -> fory.deserialize(form));
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
            assertThrows(RuntimeException.class, () -> fory.deserialize(truncated));
            byte[] longer = good.clone();
            longer[at - 1] = (byte) (0x7F << 2 | 3 & 0xFF);
            assertGroveCause(dev.grove.InvalidPathException.class, () -> fory.deserialize(longer));
        }
        // An unknown region: the reference's lease would keep it a while, so remove the file as a sweep would.
        java.nio.file.Files.deleteIfExists(dev.grove.internal.StoreDir.defaultStore().file(path.substring(1)));
        assertGroveCause(dev.grove.RegionNotFoundException.class, () -> fory.deserialize(good));
    }

    /**
     * A Fory reading from a stream fills its buffer a little at a time: reference bytes split across
     * refills still read (a bound on what the buffer held at the length word refused them once).
     */
    @Test
    void referencesReadFromAStreamInSmallPieces() throws Exception {
        org.apache.fory.Fory fory = (org.apache.fory.Fory) FORYS.get(0);
        try (SharedDoubleArray a = Grove.share(new double[] {1, 2, 3})) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(fory.serialize(List.of("before", a, a.ref(dev.grove.Delivery.FAN_OUT))));
            }
            java.io.InputStream trickle = new java.io.FilterInputStream(new java.io.ByteArrayInputStream(out.toByteArray())) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    return super.read(b, off, Math.min(len, 3));
                }
            };
            org.apache.fory.io.ForyInputStream in = new org.apache.fory.io.ForyInputStream(trickle, 4);
            for (int i = 0; i < 3; i++) {
                List<?> back = (List<?>) fory.deserialize(in);
                try (SharedDoubleArray view = (SharedDoubleArray) back.get(1)) {
                    assertEquals(3.0, view.getDouble(2));
                    assertEquals(a.ref(), back.get(2));
                }
            }
        }
    }

    /**
     * Messages from Grove versions before the reference bytes wrote the wire text as a Fory string and then
     * the wire id; they still read, through the same type id.
     */
    @Test
    void referencesInTheEarlierStringFormStillRead() {
        BaseFory old = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .requireClassRegistration(true).withRefTracking(false).build();
        old.register(SharedRef.class, GroveSerializers.typeId(SharedRef.class, GroveSerializers.DEFAULT_FIRST_ID));
        old.registerSerializer(SharedRef.class, resolver -> new org.apache.fory.serializer.Serializer<SharedRef>(
                resolver.getConfig(), SharedRef.class, false, true) {
            @Override
            public void write(org.apache.fory.context.WriteContext ctx, SharedRef value) {
                ctx.writeString(value.wireText());
                ctx.writeInt64(value.wireId());
            }

            @Override
            public SharedRef read(org.apache.fory.context.ReadContext ctx) {
                throw new UnsupportedOperationException();
            }
        });
        BaseFory fory = FORYS.get(0); // the same configuration: registration required, no reference tracking
        try (SharedDoubleArray a = Grove.share(new double[] {4, 5})) {
            for (SharedRef ref : List.of(a.ref(), a.ref(dev.grove.Delivery.ONCE))) {
                byte[] earlier = old.serialize(ref);
                assertTrue(earlier.length > fory.serialize(ref).length, "the string form is the longer one");
                assertEquals(ref, fory.deserialize(earlier));
            }
        }
    }

    static void assertGroveCause(Class<? extends GroveException> type, org.junit.jupiter.api.function.Executable e) {
        Throwable t = assertThrows(Throwable.class, e);
        Throwable c = t;
        while (c != null && !type.isInstance(c)) {
            c = c.getCause();
        }
        assertNotNull(c, "expected a " + type.getSimpleName() + " in the causes of " + t);
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

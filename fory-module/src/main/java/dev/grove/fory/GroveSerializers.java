package dev.grove.fory;

import dev.grove.Delivery;
import dev.grove.Grove;
import dev.grove.InvalidPathException;
import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.SharedObject;
import dev.grove.SharedRef;
import org.apache.fory.BaseFory;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.resolver.TypeResolver;
import org.apache.fory.serializer.Serializer;
import org.apache.fory.serializer.collection.CollectionLikeSerializer;
import org.apache.fory.serializer.collection.MapLikeSerializer;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fory serializers for every Grove view: each writes only the view's {@link SharedRef}, as its
 * {@linkplain SharedRef#toBytes() reference bytes} (about 30 bytes in all for a view, whatever the data
 * size), and reads it back by mapping the region, so a shared object crosses any Fory-based transport by
 * reference. References written by Grove versions before the reference bytes (a string and an id) are
 * still read.
 *
 * <pre>{@code
 * Fory fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true).build();
 * GroveSerializers.register(fory);
 * }</pre>
 *
 * <p>Works with {@code Fory} and {@code ThreadSafeFory}, with class registration required or not and with
 * reference tracking on or off, for views at the root, inside collections, or in fields of the user's
 * classes declared as {@code List}, {@code Map}, {@code CharSequence} or the view types. Writing a view
 * starts its reference's lease ({@link SharedObject#ref()}); on a Fory registered for
 * {@link Delivery#ONCE} ({@link #register(BaseFory, int, Delivery)}) it takes a consumed-once reference
 * instead, so that a view made for one message goes back to its sender as soon as the receiver closes
 * the view it read.
 *
 * <p>Type ids are fixed per class ({@link #typeId}): {@code firstId} plus an offset pinned for each class
 * and never reused or renumbered, so two processes that register with the same first id agree whatever
 * else they register, and whichever Grove version each runs. What follows the type id is the reference
 * bytes (docs/FORMAT.md), which newer readers read in every form older writers used; a consumed-once
 * reference is written in a form (kind 3) that readers from before it refuse.
 */
public final class GroveSerializers {
    /** The first type id {@link #register(BaseFory)} uses; it takes this and the next 15. */
    public static final int DEFAULT_FIRST_ID = 1_200;

    /**
     * Each class's type id minus the first id: wire format. A new class takes the next unused offset; no
     * offset ever moves (adding a view class once moved {@code SharedRef}'s id, when it was derived from the
     * number of view classes).
     */
    private static final Map<String, Integer> ID_OFFSETS = Map.ofEntries(
            Map.entry("SharedBooleanArray", 0), Map.entry("SharedByteArray", 1), Map.entry("SharedCharArray", 2),
            Map.entry("SharedShortArray", 3), Map.entry("SharedIntArray", 4), Map.entry("SharedLongArray", 5),
            Map.entry("SharedFloatArray", 6), Map.entry("SharedDoubleArray", 7), Map.entry("ObjectList", 8),
            Map.entry("StringList", 9), Map.entry("SharedMap", 10), Map.entry("SharedTable", 11),
            Map.entry("SharedMatrix", 12), Map.entry("SharedString", 13), Map.entry("SharedValue", 14),
            Map.entry("SharedRef", 15));

    /** Every view class, in type id order. */
    public static final List<Class<?>> VIEW_CLASSES = viewClasses();

    private GroveSerializers() {
    }

    private static List<Class<?>> viewClasses() {
        List<String> names = ID_OFFSETS.keySet().stream().filter(n -> !n.equals("SharedRef"))
                .sorted(java.util.Comparator.comparing(ID_OFFSETS::get)).toList();
        Map<String, Class<?>> bySimpleName = new java.util.HashMap<>();
        collectConcrete(SharedObject.class, bySimpleName);
        List<Class<?>> out = names.stream().<Class<?>>map(n -> {
            Class<?> c = bySimpleName.get(n);
            if (c == null) {
                throw new IllegalStateException("grove-core has no view class " + n + "; versions differ?");
            }
            return c;
        }).toList();
        if (out.size() != bySimpleName.size()) {
            throw new IllegalStateException("grove-core has view classes this module does not know: " + bySimpleName.keySet());
        }
        return out;
    }

    /** The concrete classes of a sealed hierarchy, by simple name. */
    private static void collectConcrete(Class<?> c, Map<String, Class<?>> into) {
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) {
                collectConcrete(sub, into);
            }
        } else if (!java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
            into.put(c.getSimpleName(), c);
        }
    }

    /** The Fory instances Grove registered on, with the first id used; weak, so a dropped Fory is forgotten. */
    private static final Map<BaseFory, Integer> REGISTERED = new java.util.WeakHashMap<>();
    /** The Fory instances registered for consumed-once views ({@link Delivery#ONCE}); weak too. */
    private static final Map<BaseFory, Boolean> ONCE = new java.util.WeakHashMap<>();

    /** Registers every view class, and {@link SharedRef}, with ids from {@link #DEFAULT_FIRST_ID}. */
    public static void register(BaseFory fory) {
        register(fory, DEFAULT_FIRST_ID);
    }

    /**
     * The type id of a view class or {@link SharedRef} when Grove is registered from {@code firstId}.
     *
     * @throws IllegalArgumentException for any other class
     */
    public static int typeId(Class<?> c, int firstId) {
        Integer offset = ID_OFFSETS.get(c.getSimpleName());
        if (offset == null || (c != SharedRef.class && !VIEW_CLASSES.contains(c))) {
            throw new IllegalArgumentException("not a Grove view or reference class: " + c.getName());
        }
        return firstId + offset;
    }

    /**
     * Registers every view class, and {@link SharedRef}, with their pinned ids ({@link #typeId}). Calling it
     * again on the same Fory with the same first id does nothing ({@link ForyBridge#of} registers Grove
     * itself, so a receiver cannot forget).
     *
     * @throws IllegalArgumentException if Grove was registered on this Fory from another first id
     */
    public static void register(BaseFory fory, int firstId) {
        register(fory, firstId, Delivery.FAN_OUT);
    }

    /**
     * As {@link #register(BaseFory, int)}, with the delivery of the references views are written as:
     * {@link Delivery#FAN_OUT} (what the other registrations use) for messages that may be read several
     * times or by several receivers; {@link Delivery#ONCE} for messages each read once by one receiver, whose
     * closing of the view hands the region back to the sender at once (a view shared per message).
     *
     * @throws IllegalArgumentException if Grove was registered on this Fory with another first id or delivery
     */
    public static void register(BaseFory fory, int firstId, Delivery delivery) {
        synchronized (REGISTERED) {
            Integer before = REGISTERED.get(fory);
            boolean once = delivery == Delivery.ONCE;
            if (before != null) {
                if (before != firstId || ONCE.containsKey(fory) != once) {
                    throw new IllegalArgumentException("Grove's Fory serializers are already registered on this Fory "
                            + "with other settings: firstId=" + firstId + " registered=" + before + " delivery="
                            + delivery + " registered.delivery=" + (ONCE.containsKey(fory) ? Delivery.ONCE : Delivery.FAN_OUT));
                }
                return;
            }
            registerAll(fory, firstId, delivery);
            REGISTERED.put(fory, firstId); // only once every registration went through
            if (once) {
                ONCE.put(fory, true);
            }
        }
    }

    /** Registers Grove with the default ids unless it is registered on {@code fory} already, from any first id. */
    static void registerIfAbsent(BaseFory fory) {
        synchronized (REGISTERED) {
            if (!REGISTERED.containsKey(fory)) {
                register(fory, DEFAULT_FIRST_ID);
            }
        }
    }

    private static void registerAll(BaseFory fory, int firstId, Delivery delivery) {
        for (Class<?> c : VIEW_CLASSES) {
            fory.register(c, typeId(c, firstId));
            fory.registerSerializer(c, resolver -> serializerFor(resolver, c, delivery));
        }
        fory.register(SharedRef.class, typeId(SharedRef.class, firstId));
        fory.registerSerializer(SharedRef.class, resolver -> new RefSerializer(resolver));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<?> serializerFor(TypeResolver resolver, Class<?> c, Delivery delivery) {
        if (SharedList.class.isAssignableFrom(c)) {
            return new ListSerializer(resolver, c, delivery);
        }
        if (c == SharedMap.class) {
            return new MapSerializer(resolver, delivery);
        }
        return new ViewSerializer(resolver, c, delivery);
    }

    // ------------------------------------------------------------------ the reference on the wire

    /**
     * Low two bits of the length word that precedes {@link SharedRef#toBytes()}: Fory's string header puts its
     * coder there (0 to 2), so a reader tells this form from the one written before it, a string and an id.
     */
    private static final int BYTES_FORM = 3;

    static void writeRef(WriteContext ctx, SharedRef ref) {
        byte[] b = ref.toBytes();
        MemoryBuffer buffer = ctx.getBuffer();
        buffer.writeVarUInt32(b.length << 2 | BYTES_FORM);
        buffer.writeBytes(b);
    }

    static SharedRef readRef(ReadContext ctx) {
        MemoryBuffer buffer = ctx.getBuffer();
        int start = buffer.readerIndex();
        int head = buffer.readVarUInt32();
        if ((head & 3) == BYTES_FORM) {
            int n = head >>> 2;
            if (n > SharedRef.MAX_BYTES) {
                throw new InvalidPathException("Grove reference bytes too long: length=" + n + " max=" + SharedRef.MAX_BYTES);
            }
            try {
                // Fory's own check, not what the buffer holds now: a Fory reading a stream fills it on demand.
                buffer.checkReadableBytes(n);
            } catch (IndexOutOfBoundsException e) {
                throw new InvalidPathException("Grove reference bytes run past the message: length=" + n, e);
            }
            return SharedRef.fromBytes(buffer.readBytes(n));
        }
        // The form written before reference bytes: the wire text as a Fory string, then the wire id.
        buffer.readerIndex(start);
        String text = ctx.readString();
        long id = ctx.readInt64();
        if (text == null) {
            throw new InvalidPathException("no path in a Grove reference on the wire: path=null");
        }
        return SharedRef.fromWire(text, id);
    }

    /** The view {@code ref} names; a null (a path to a null element) is not a view and fails too. */
    static <T extends SharedObject> T mapAs(SharedRef ref, Class<T> type) {
        T v = Grove.map(ref, type);
        if (v == null) {
            throw new InvalidPathException("reference names a null element, not a view: path=" + ref.path());
        }
        return v;
    }

    /** Tables, matrices, strings and values: plain serializers. */
    static final class ViewSerializer<T extends SharedObject> extends Serializer<T> {
        private final Delivery delivery;

        ViewSerializer(TypeResolver resolver, Class<T> type, Delivery delivery) {
            super(resolver.getConfig(), type, false, true);
            this.delivery = delivery;
        }

        @Override
        public void write(WriteContext ctx, T value) {
            writeRef(ctx, value.ref(delivery));
        }

        @Override
        public T read(ReadContext ctx) {
            return mapAs(readRef(ctx), type);
        }
    }

    /** List views: Fory insists on a collection serializer for List classes, used here without elements. */
    static final class ListSerializer<T extends SharedList<?>> extends CollectionLikeSerializer<T> {
        private final Delivery delivery;

        ListSerializer(TypeResolver resolver, Class<T> type, Delivery delivery) {
            super(resolver, type, false, true);
            this.delivery = delivery;
        }

        @Override
        public void write(WriteContext ctx, T value) {
            writeRef(ctx, value.ref(delivery));
        }

        @Override
        public T read(ReadContext ctx) {
            return mapAs(readRef(ctx), type);
        }

        @Override
        public Collection onCollectionWrite(WriteContext ctx, T value) {
            throw new UnsupportedOperationException("Grove list views are written as references");
        }

        @Override
        public T onCollectionRead(Collection collection) {
            throw new UnsupportedOperationException("Grove list views are read as references");
        }
    }

    /** Map views, likewise with a map serializer. */
    @SuppressWarnings("rawtypes")
    static final class MapSerializer extends MapLikeSerializer<SharedMap> {
        private final Delivery delivery;

        MapSerializer(TypeResolver resolver, Delivery delivery) {
            super(resolver, SharedMap.class, false, true);
            this.delivery = delivery;
        }

        @Override
        public void write(WriteContext ctx, SharedMap value) {
            writeRef(ctx, value.ref(delivery));
        }

        @Override
        public SharedMap read(ReadContext ctx) {
            return mapAs(readRef(ctx), SharedMap.class);
        }

        @Override
        public Map onMapWrite(WriteContext ctx, SharedMap value) {
            throw new UnsupportedOperationException("Grove map views are written as references");
        }

        @Override
        public SharedMap onMapCopy(Map map) {
            throw new UnsupportedOperationException("Grove map views are immutable and need no copy");
        }

        @Override
        public SharedMap onMapRead(Map map) {
            throw new UnsupportedOperationException("Grove map views are read as references");
        }
    }

    /** A bare reference: what a user sends to let the receiver decide when to map. */
    static final class RefSerializer extends Serializer<SharedRef> {
        RefSerializer(TypeResolver resolver) {
            super(resolver.getConfig(), SharedRef.class, false, true);
        }

        @Override
        public void write(WriteContext ctx, SharedRef value) {
            writeRef(ctx, value);
        }

        @Override
        public SharedRef read(ReadContext ctx) {
            return readRef(ctx);
        }
    }
}

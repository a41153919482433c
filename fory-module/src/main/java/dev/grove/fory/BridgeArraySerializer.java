package dev.grove.fory;

import org.apache.fory.BaseFory;
import org.apache.fory.context.CopyContext;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.resolver.TypeResolver;
import org.apache.fory.serializer.PrimitiveArraySerializers;
import org.apache.fory.serializer.Serializer;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * Primitive array serializers for {@link ForyBridge} messages: an array the graph holds more than once is
 * written once (later places say which earlier array they are, so the receiver gets one array, shared
 * once, as the sender had it), and shared arrays are read outside Fory's graph-memory budget
 * ({@code ForyBuilder#withMaxGraphMemoryBytes}, 128 MiB by default).
 *
 * <p>Inside a bridge message each array starts with a varint: 0 for an array that follows in Fory's own
 * format, {@code k > 0} for the same array as the message's {@code k}-th. Outside bridge messages these
 * serializers are Fory's own, byte for byte.
 *
 * <p>Why the budget can be left out there: it stops a small hostile message from making the reader
 * allocate without bound. A bridge message's out-of-band arrays are not in the message: each is backed byte
 * for byte by a region of the reader's own store (the same user), and the bridge accepts their places only
 * in order and apart, inside the region, before Fory sees them; so they add up to at most the region, which
 * is already in this machine's memory. Everything else (arrays inside the message, any read or write
 * outside a bridge message) goes to Fory's own serializer unchanged, budget included.
 */
final class BridgeArraySerializer<T> extends Serializer<T> {
    /**
     * One bridge message being written or read by the Fory whose type resolver is {@code resolver}: only
     * that Fory's serializers take part (another Fory called from inside, by a user's serializer say, keeps
     * its own format), with the arrays written so far (numbered from 0) or read so far (in order).
     */
    static final class Message {
        private final TypeResolver resolver;
        private final java.util.IdentityHashMap<Object, Integer> written = new java.util.IdentityHashMap<>();
        private final java.util.List<Object> read = new java.util.ArrayList<>();
        /** Writing: the array whose buffer object Fory is handing to the bridge now, as a heap segment; or null. */
        private MemorySegment writing;
        /** Reading: the region of the shared arrays, and where in it each buffer given to Fory starts. */
        private final dev.grove.SharedByteArray region;
        private final java.util.Map<MemoryBuffer, Long> offsets;

        Message(TypeResolver resolver) {
            this(resolver, null, java.util.Map.of());
        }

        Message(TypeResolver resolver, dev.grove.SharedByteArray region, java.util.Map<MemoryBuffer, Long> offsets) {
            this.resolver = resolver;
            this.region = region;
            this.offsets = offsets;
        }

        /**
         * The bytes of the array whose buffer object {@code buffer} is, if one of these serializers wrote it
         * (the bridge then copies them in bulk); or null.
         */
        MemorySegment arrayOf(org.apache.fory.serializer.BufferObject buffer) {
            MemorySegment a = writing;
            return a != null && a.byteSize() == buffer.totalBytes() ? a : null;
        }
    }

    /** Arrays are copied in bulk as they lie in memory, which is the wire's byte order only on such machines. */
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** Bound while {@link ForyBridge} writes or reads a message. */
    static final ScopedValue<Message> MESSAGE = ScopedValue.newInstance();
    /** The Fory instances these serializers are registered on (identity: Fory does not override equals). */
    private static final java.util.Map<BaseFory, Boolean> REGISTERED = new java.util.WeakHashMap<>();

    private interface Fill<T> {
        void from(MemoryBuffer buffer, T array, int bytes);
    }

    private final Serializer<T> builtIn;
    private final int elementBytes;
    private final java.util.function.IntFunction<T> make;
    private final Fill<T> fill;
    /** The array as a heap segment, for bulk copies; null for boolean arrays, which have none. */
    private final Function<T, MemorySegment> heap;

    private BridgeArraySerializer(TypeResolver resolver, Class<T> type, Serializer<T> builtIn, int elementBytes,
                             java.util.function.IntFunction<T> make, Fill<T> fill, Function<T, MemorySegment> heap) {
        // The built-in's own flags: whether Fory writes a reference flag before an array, and whether a copy
        // may share it, must not change because these serializers stand in.
        super(resolver.getConfig(), type, builtIn.needToWriteRef(), builtIn.isImmutable());
        this.builtIn = builtIn;
        this.elementBytes = elementBytes;
        this.make = make;
        this.fill = fill;
        this.heap = heap;
    }

    /** Registers the eight primitive array serializers on {@code fory}, once (later calls do nothing). */
    static void register(BaseFory fory) {
        synchronized (REGISTERED) {
            if (!REGISTERED.containsKey(fory)) {
                registerAll(fory);
                REGISTERED.put(fory, true);
            }
        }
    }

    private static void registerAll(BaseFory fory) {
        add(fory, boolean[].class, PrimitiveArraySerializers.BooleanArraySerializer::new, 1, boolean[]::new,
                MemoryBuffer::readBooleanArrayBytes, null);
        add(fory, byte[].class, PrimitiveArraySerializers.ByteArraySerializer::new, 1, byte[]::new,
                MemoryBuffer::readByteArrayBytes, MemorySegment::ofArray);
        add(fory, char[].class, PrimitiveArraySerializers.CharArraySerializer::new, 2, char[]::new,
                MemoryBuffer::readCharArrayBytes, MemorySegment::ofArray);
        add(fory, short[].class, PrimitiveArraySerializers.ShortArraySerializer::new, 2, short[]::new,
                MemoryBuffer::readInt16ArrayBytes, MemorySegment::ofArray);
        add(fory, int[].class, PrimitiveArraySerializers.IntArraySerializer::new, 4, int[]::new,
                MemoryBuffer::readInt32ArrayBytes, MemorySegment::ofArray);
        add(fory, long[].class, PrimitiveArraySerializers.LongArraySerializer::new, 8, long[]::new,
                MemoryBuffer::readInt64ArrayBytes, MemorySegment::ofArray);
        add(fory, float[].class, PrimitiveArraySerializers.FloatArraySerializer::new, 4, float[]::new,
                MemoryBuffer::readFloat32ArrayBytes, MemorySegment::ofArray);
        add(fory, double[].class, PrimitiveArraySerializers.DoubleArraySerializer::new, 8, double[]::new,
                MemoryBuffer::readFloat64ArrayBytes, MemorySegment::ofArray);
    }

    private static <T> void add(BaseFory fory, Class<T> type, Function<TypeResolver, ? extends Serializer<T>> builtIn,
                                int elementBytes, java.util.function.IntFunction<T> make, Fill<T> fill,
                                Function<T, MemorySegment> heap) {
        try {
            fory.registerSerializer(type, resolver -> new BridgeArraySerializer<>(resolver, type, builtIn.apply(resolver),
                    elementBytes, make, fill, heap));
        } catch (IllegalArgumentException notAnXlangType) {
            // Cross-language Fory has no char[] type to override; such arrays keep Fory's own reading.
        }
    }

    /** The bridge message {@code resolver}'s Fory is writing or reading on this thread, or null. */
    private static Message messageOf(TypeResolver resolver) {
        if (!MESSAGE.isBound()) {
            return null;
        }
        Message m = MESSAGE.get();
        return m.resolver == resolver ? m : null;
    }

    @Override
    public void write(WriteContext ctx, T value) {
        Message m = messageOf(ctx.getTypeResolver());
        if (m != null) {
            java.util.IdentityHashMap<Object, Integer> written = m.written;
            Integer earlier = written.get(value);
            if (earlier != null) {
                ctx.getBuffer().writeVarUInt32(earlier + 1);
                return;
            }
            written.put(value, written.size());
            ctx.getBuffer().writeVarUInt32(0);
            if (heap != null && LITTLE_ENDIAN) {
                // The bridge copies the array into its region itself, in bulk, as it lies in memory.
                m.writing = heap.apply(value);
                try {
                    builtIn.write(ctx, value);
                } finally {
                    m.writing = null;
                }
                return;
            }
        }
        builtIn.write(ctx, value);
    }

    @Override
    public T copy(CopyContext ctx, T value) {
        return builtIn.copy(ctx, value);
    }

    @Override
    public T read(ReadContext ctx) {
        Message m = messageOf(ctx.getTypeResolver());
        if (m == null) {
            return builtIn.read(ctx);
        }
        java.util.List<Object> read = m.read;
        int earlier = ctx.getBuffer().readVarUInt32();
        if (earlier > 0) {
            if (earlier > read.size() || !type.isInstance(read.get(earlier - 1))) {
                throw new IllegalArgumentException("bridge message names an array it has not sent: index=" + earlier
                        + " arrays=" + read.size() + " type=" + type.getSimpleName());
            }
            return type.cast(read.get(earlier - 1));
        }
        T array = readArray(ctx);
        read.add(array);
        return array;
    }

    private T readArray(ReadContext ctx) {
        // The copy below is in the machine's byte order; Fory's own serializer swaps where that is not little-endian.
        if (!ctx.isPeerOutOfBandEnabled() || !LITTLE_ENDIAN) {
            return builtIn.read(ctx);
        }
        MemoryBuffer message = ctx.getBuffer();
        // Fory marks each buffer object with a boolean: true when its bytes follow in the message.
        if (message.getByte(message.readerIndex()) != 0) {
            return builtIn.read(ctx);
        }
        MemoryBuffer shared = ctx.readBufferObject();
        int bytes = shared.remaining();
        if (bytes % elementBytes != 0) {
            throw new IllegalArgumentException("shared array of " + type.getComponentType() + " with a partial element: bytes="
                    + bytes);
        }
        T array = make.apply(bytes / elementBytes);
        Message m = messageOf(ctx.getTypeResolver());
        Long at = m.offsets.get(shared);
        if (heap != null && at != null) {
            // One bulk copy out of the region (on several cores when large): Fory's own reads element by
            // element from an off-heap buffer.
            m.region.copyTo(at + shared.readerIndex(), heap.apply(array));
            shared.readerIndex(shared.readerIndex() + bytes);
        } else {
            fill.from(shared, array, bytes);
        }
        return array;
    }
}

package dev.grove.fory;

import dev.grove.ArrayWriter;
import dev.grove.Delivery;
import dev.grove.Grove;
import dev.grove.SharedByteArray;
import dev.grove.SharedRef;
import org.apache.fory.BaseFory;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.serializer.BufferObject;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Automatic sharing for ordinary object graphs: Fory's out-of-band buffers (every primitive array of at
 * least {@link #threshold()} bytes, anywhere in the user's own classes) go into one shared region per
 * message, and the message carries that region's reference instead of the bytes. The receiver hands Fory
 * the mapped buffers and gets ordinary arrays back, copied once from shared memory with no decoding.
 * Explicitly shared views inside the graph still travel as references ({@link #of} registers
 * {@link GroveSerializers} on the Fory).
 *
 * <p>An array the graph holds twice is written and shared once, and arrives as one array (identity within a
 * message, with or without Fory's reference tracking). To send one array to many receivers without a copy
 * per message, share it once ({@code Grove.share}) and send the view: every message then carries the same
 * reference.
 *
 * <p>Message layout: {@code 'G'}, version {@code 3}, an int count of out-of-band buffers; if non-zero, the
 * region's reference as {@linkplain SharedRef#toBytes() reference bytes} after their length (unsigned
 * short), and per buffer an offset (long) and a length (int); then
 * Fory's own bytes, in which each primitive array starts with a varint (0: the array follows; {@code k}:
 * the message's {@code k}-th array again). The region is dropped by the sender at once.
 *
 * <p>Each message is for one receiver, once ({@link Delivery#ONCE}): when the receiver has copied the arrays
 * out, the region goes back to the sender, whose next message of a similar size is written into it (no
 * fresh pages, and the receiver's mapping of it serves again). The reference's lease is the safety net for
 * a receiver that dies or never reads. A message that is read more than once (stored, replayed, or sent as
 * the same bytes to several receivers) needs {@link #withDelivery withDelivery(Delivery.FAN_OUT)}: then the
 * region lives until its lease ends, whoever reads it. Thread-safe if the Fory given is.
 */
public final class ForyBridge {
    /** Arrays below this many bytes stay inline unless configured otherwise: 64 KiB. */
    public static final int DEFAULT_THRESHOLD = 64 * 1024;
    private static final int MAGIC = 'G';
    /** Version 3 carries reference bytes; version 2 (the wire text and the wire id) is still read. */
    private static final int VERSION = 3;
    private static final int VERSION_WIRE_TEXT = 2;

    private final BaseFory fory;
    private final int threshold;
    private final Delivery delivery;

    private ForyBridge(BaseFory fory, int threshold, Delivery delivery) {
        this.fory = fory;
        this.threshold = threshold;
        this.delivery = delivery;
    }

    /**
     * A bridge over {@code fory} with the default threshold. Registers Grove's serializers on {@code fory}
     * (if not yet there: {@link GroveSerializers#register(BaseFory)}), and primitive array
     * serializers that write as Fory's own and read a bridge message's shared arrays outside Fory's
     * graph-memory budget (their bytes are in a region of this user's store, not in the message; every
     * other read keeps the budget): call it before {@code fory} is first used.
     */
    public static ForyBridge of(BaseFory fory) {
        try {
            GroveSerializers.registerIfAbsent(fory);
            BridgeArraySerializer.register(fory);
        } catch (org.apache.fory.exception.ForyException e) {
            throw new IllegalStateException("ForyBridge.of needs a Fory not yet used: Fory takes no registration "
                    + "after its first serialize or deserialize; make the bridge when building the Fory (" + e.getMessage()
                    + ")", e);
        }
        return new ForyBridge(fory, DEFAULT_THRESHOLD, Delivery.ONCE);
    }

    /** This bridge with another threshold, in bytes (0 shares every array). */
    public ForyBridge withThreshold(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative threshold: " + bytes);
        }
        return new ForyBridge(fory, bytes, delivery);
    }

    /**
     * This bridge with messages for {@code delivery}: {@link Delivery#ONCE} (the default) for a message read
     * by one receiver once, {@link Delivery#FAN_OUT} for one read several times or by several receivers.
     */
    public ForyBridge withDelivery(Delivery delivery) {
        return new ForyBridge(fory, threshold, java.util.Objects.requireNonNull(delivery, "delivery"));
    }

    /** How this bridge's messages are delivered. */
    public Delivery delivery() {
        return delivery;
    }

    /** The size in bytes from which an array goes through shared memory. */
    public int threshold() {
        return threshold;
    }

    /**
     * Runs {@code body} on this thread's Fory (the one given, or the one a {@code ThreadSafeFory} lends this
     * thread) as a bridge message: that Fory's array serializers number the arrays they meet.
     */
    private <R> R inMessage(java.util.function.Function<Fory, R> body) {
        return inMessage(null, java.util.Map.of(), body);
    }

    /** As {@link #inMessage(java.util.function.Function)}, reading arrays from {@code region} at {@code offsets}. */
    private <R> R inMessage(SharedByteArray region, java.util.Map<MemoryBuffer, Long> offsets,
                            java.util.function.Function<Fory, R> body) {
        java.util.function.Function<Fory, R> asMessage = f -> ScopedValue
                .where(BridgeArraySerializer.MESSAGE, new BridgeArraySerializer.Message(f.getTypeResolver(), region, offsets))
                .call(() -> body.apply(f));
        if (fory instanceof Fory f) {
            return asMessage.apply(f);
        }
        if (fory instanceof ThreadSafeFory t) {
            return t.execute(asMessage);
        }
        throw new IllegalArgumentException("unknown kind of Fory: class=" + fory.getClass().getName());
    }

    /** Serializes {@code value}, moving its large arrays into shared memory. */
    public byte[] serialize(Object value) {
        List<BufferObject> outOfBand = new ArrayList<>();
        List<MemorySegment> arrays = new ArrayList<>();
        byte[] payload = inMessage(f -> f.serialize(value, buffer -> {
            if (buffer.totalBytes() >= threshold) {
                outOfBand.add(buffer);
                arrays.add(BridgeArraySerializer.MESSAGE.get().arrayOf(buffer));
                return false;
            }
            return true;
        }));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(outOfBand.size());
            if (!outOfBand.isEmpty()) {
                writeShared(outOfBand, arrays, out);
            }
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Zeros for the padding between arrays in a region. */
    private static final MemorySegment PADDING = MemorySegment.ofArray(new byte[8]);

    /**
     * Writes the out-of-band buffers into one region; {@code arrays} holds, for each, the bytes of the
     * primitive array it is (copied in bulk, the region's checksum taken as it goes) or null (written by Fory).
     */
    private void writeShared(List<BufferObject> buffers, List<MemorySegment> arrays, DataOutputStream out)
            throws IOException {
        long[] offsets = new long[buffers.size()];
        long total = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = total;
            // 8-aligned, so that every array lands where its elements can be read aligned.
            total += (buffers.get(i).totalBytes() + 7L) & ~7L;
        }
        SharedRef ref;
        // Every byte is written below (arrays and the padding between them), so the region is not zeroed first:
        // for a large message that would write it twice.
        try (ArrayWriter<SharedByteArray> w = Grove.allocateForOverwrite(SharedByteArray.class, total)) {
            for (int i = 0; i < offsets.length; i++) {
                BufferObject b = buffers.get(i);
                MemorySegment array = arrays.get(i);
                if (array != null) {
                    w.put(offsets[i], array);
                } else {
                    b.writeTo(MemoryBuffer.fromByteBuffer(w.segment().asSlice(offsets[i], b.totalBytes()).asByteBuffer()));
                }
                long end = offsets[i] + b.totalBytes();
                w.put(end, PADDING.asSlice(0, (i + 1 < offsets.length ? offsets[i + 1] : total) - end));
            }
            try (SharedByteArray sealed = w.seal()) {
                ref = sealed.ref(delivery);
            }
        }
        byte[] refBytes = ref.toBytes();
        out.writeShort(refBytes.length);
        out.write(refBytes);
        for (int i = 0; i < offsets.length; i++) {
            out.writeLong(offsets[i]);
            out.writeInt(buffers.get(i).totalBytes());
        }
    }

    /**
     * Reads what {@link #serialize} wrote.
     *
     * @throws dev.grove.GroveException if the shared part is gone, stale or damaged, or its reference is
     *                                  malformed ({@link dev.grove.InvalidPathException})
     * @throws IllegalArgumentException  if {@code bytes} is not a bridge message (wrapping a
     *                                   {@link StreamCorruptedException})
     */
    public Object deserialize(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = bytes.length < 6 || in.get() != MAGIC ? -1 : in.get();
            if (version != VERSION && version != VERSION_WIRE_TEXT) {
                throw new StreamCorruptedException("not a Grove Fory bridge message (magic or version)");
            }
            int count = in.getInt();
            if (count < 0 || count > bytes.length) {
                throw new StreamCorruptedException("bad out-of-band buffer count: " + count);
            }
            if (count == 0) {
                MemoryBuffer message = MemoryBuffer.fromByteArray(bytes, in.position(), in.remaining());
                return inMessage(f -> f.deserialize(message, List.of()));
            }
            return deserializeShared(bytes, in, count, version);
        } catch (StreamCorruptedException | java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed Grove Fory bridge message: " + e.getMessage(), e);
        }
    }

    private Object deserializeShared(byte[] bytes, ByteBuffer in, int count, int version)
            throws StreamCorruptedException {
        int refLength = Short.toUnsignedInt(in.getShort());
        if (refLength > in.remaining()) {
            throw new StreamCorruptedException("reference longer than the message: length=" + refLength
                    + " left=" + in.remaining());
        }
        SharedRef ref;
        if (version == VERSION) {
            ref = SharedRef.fromBytes(java.util.Arrays.copyOfRange(bytes, in.position(), in.position() + refLength));
            in.position(in.position() + refLength);
        } else {
            // Written with writeUTF: modified UTF-8, which only readUTF decodes exactly.
            String text;
            try {
                text = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes, in.position() - 2,
                        refLength + 2)).readUTF();
            } catch (IOException e) {
                throw new StreamCorruptedException("malformed reference text: " + e);
            }
            in.position(in.position() + refLength);
            ref = SharedRef.fromWire(text, in.getLong());
        }
        String path = ref.path();
        try (SharedByteArray shared = GroveSerializers.mapAs(ref, SharedByteArray.class)) {
            MemorySegment seg = shared.segment();
            List<MemoryBuffer> buffers = new ArrayList<>(count);
            java.util.Map<MemoryBuffer, Long> at = new java.util.IdentityHashMap<>(count);
            long end = 0;
            for (int i = 0; i < count; i++) {
                long offset = in.getLong();
                int length = in.getInt();
                // In order and apart, as the writer lays them out: the arrays read can then never add up to
                // more than the region holds (repeated or overlapping buffers would multiply it).
                if (offset < end || length < 0 || offset > seg.byteSize() - length) {
                    throw new StreamCorruptedException("out-of-band buffer outside its region or out of order: path=" + path
                            + " offset=" + offset + " length=" + length + " size=" + seg.byteSize());
                }
                MemoryBuffer buffer = MemoryBuffer.fromByteBuffer(seg.asSlice(offset, length).asByteBuffer());
                buffers.add(buffer);
                at.put(buffer, offset);
                end = offset + length;
            }
            MemoryBuffer message = MemoryBuffer.fromByteArray(bytes, in.position(), in.remaining());
            return inMessage(shared, at, f -> f.deserialize(message, buffers));
        }
    }
}

package dev.grove.serial;

import dev.grove.Delivery;
import dev.grove.Grove;
import dev.grove.SharedObject;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;

/**
 * An {@link ObjectOutputStream} that shares large data automatically: every primitive array of at least
 * {@code threshold} bytes, anywhere in a graph of the user's own {@code Serializable} classes, is copied
 * into shared memory once and written as a reference of a few dozen bytes; smaller arrays stay
 * inline. Any {@code ObjectInputStream} reads the result (its filter must admit Grove's proxies, see
 * {@link GroveSerialFilter}) and gets ordinary arrays back.
 *
 * <p>Grove views need no such stream: they always serialize as references.
 *
 * <p>Each shared array's region is dropped by the writer at once. By default the stream is read once
 * ({@link Delivery#ONCE}): when the reader has copied an array, its region goes back to the writer, whose next
 * array of a similar size is written into it; the reference's lease (60 s by default) is the safety net for
 * a reader that dies or never reads. Bytes read more than once (stored, replayed, or sent as they are to
 * several readers) need {@link Delivery#FAN_OUT}: then each region lives until its lease ends. Not
 * thread-safe, like any {@code ObjectOutputStream}.
 */
public final class SharingObjectOutputStream extends ObjectOutputStream {
    /** Arrays below this many bytes stay inline unless configured otherwise: 64 KiB. */
    public static final int DEFAULT_THRESHOLD = 64 * 1024;

    private final int threshold;
    private final Delivery delivery;

    /** A stream with the default threshold, read once. */
    public SharingObjectOutputStream(OutputStream out) throws IOException {
        this(out, DEFAULT_THRESHOLD);
    }

    /** A stream, read once, that shares primitive arrays of at least {@code thresholdBytes} bytes. */
    public SharingObjectOutputStream(OutputStream out, int thresholdBytes) throws IOException {
        this(out, thresholdBytes, Delivery.ONCE);
    }

    /**
     * A stream that shares primitive arrays of at least {@code thresholdBytes} bytes, for {@code delivery}:
     * {@link Delivery#ONCE} for bytes read once, {@link Delivery#FAN_OUT} for bytes read more than once.
     */
    public SharingObjectOutputStream(OutputStream out, int thresholdBytes, Delivery delivery) throws IOException {
        super(out);
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("negative threshold: " + thresholdBytes);
        }
        this.threshold = thresholdBytes;
        this.delivery = java.util.Objects.requireNonNull(delivery, "delivery");
        enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
        Class<?> c = obj.getClass();
        if (!c.isArray() || !c.getComponentType().isPrimitive()) {
            return obj;
        }
        long bytes = (long) Array.getLength(obj) * elementBytes(c.getComponentType());
        if (bytes < threshold) {
            return obj;
        }
        try (SharedObject shared = Grove.share(obj)) {
            return shared.ref(delivery).copyOnRead();
        }
    }

    private static int elementBytes(Class<?> primitive) {
        if (primitive == long.class || primitive == double.class) {
            return 8;
        }
        if (primitive == int.class || primitive == float.class) {
            return 4;
        }
        return primitive == short.class || primitive == char.class ? 2 : 1;
    }
}

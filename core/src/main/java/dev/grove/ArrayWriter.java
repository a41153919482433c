package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Hold;
import dev.grove.internal.Regions;
import dev.grove.internal.Store;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A primitive array being written straight into a new region, without a copy on the heap: the way to
 * share an array longer than a Java array can be, or to fill one from a file or a computation. Fill
 * {@link #segment()} (little-endian elements, writable only until sealing), then {@link #seal()} to get
 * the read-only view. Closing without sealing discards the region.
 *
 * <pre>{@code
 * try (ArrayWriter<SharedByteArray> w = Grove.allocate(SharedByteArray.class, 3L << 30)) {
 *     w.segment().fill((byte) 1);
 *     SharedByteArray bytes = w.seal();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one thread fills and seals (other threads may write to the segment if the caller
 * orders their writes before {@code seal()}).
 *
 * @param <V> the view type {@link #seal()} returns
 */
public final class ArrayWriter<V extends SharedList<?>> implements AutoCloseable {
    private final Class<V> type;
    private final Regions.Writable region;
    private final AtomicBoolean done = new AtomicBoolean();

    private ArrayWriter(Class<V> type, Regions.Writable region) {
        this.type = type;
        this.region = region;
    }

    static <V extends SharedList<?>> ArrayWriter<V> allocate(Store store, Class<V> type, long length) {
        ElementType element = Views.arrayType(type);
        if (element == null) {
            throw new IllegalArgumentException("not a primitive array view type: " + type.getName());
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        long bytes = Math.multiplyExact(length, element.size());
        return new ArrayWriter<>(type, Regions.createArray(store, element.arrayTag(), bytes));
    }

    /** The array's payload, writable until {@link #seal()} or {@link #close()}. */
    public MemorySegment segment() {
        if (done.get()) {
            throw new IllegalStateException("array already sealed or discarded: region=/" + region.hold().region().name());
        }
        return region.payload();
    }

    /** Number of elements. */
    public long length() {
        return region.payload().byteSize() / ElementType.ofTag(region.tag()).size();
    }

    /**
     * Seals the region (readers can map it from now on) and returns the read-only view, which owns the
     * region from here on.
     *
     * @throws IllegalStateException if already sealed or closed
     */
    public V seal() {
        if (!done.compareAndSet(false, true)) {
            throw new IllegalStateException("array already sealed or discarded: region=/" + region.hold().region().name());
        }
        Hold hold = region.seal(region.hold().region().store().checksum());
        return type.cast(Views.view(hold.region().rootNode(), hold));
    }

    /** Discards the region unless it was sealed. Idempotent. */
    @Override
    public void close() {
        if (done.compareAndSet(false, true)) {
            region.hold().release();
        }
    }
}

package dev.grove;

import dev.grove.internal.Copies;
import dev.grove.internal.ElementType;
import dev.grove.internal.Format;
import dev.grove.internal.Hold;
import dev.grove.internal.KnownCrcs;
import dev.grove.internal.Node;
import dev.grove.internal.Region;
import dev.grove.internal.Regions;
import dev.grove.internal.Writable;
import dev.grove.internal.StoreDir;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A primitive array or a matrix being written straight into a region, without a copy on the heap: the way
 * to share an array longer than a Java array can be, to fill one from a file or a computation, or to let
 * several processes write results into one array. Fill {@link #segment()} (little-endian elements,
 * row-major for a matrix, writable only until sealing), then {@link #seal()} to get the read-only view.
 * Closing without sealing discards the region. The writable type is not the read-only view type: a view
 * never writes.
 *
 * <pre>{@code
 * try (ArrayWriter<SharedByteArray> w = Grove.allocate(SharedByteArray.class, 3L << 30)) {
 *     w.segment().fill((byte) 1);
 *     SharedByteArray bytes = w.seal();
 * }
 * }</pre>
 *
 * <h2>Writing from several processes</h2>
 * The creator may hand the region to other processes before sealing: {@link #writableRef()} gives a
 * reference, and {@link RegionStore#mapWritable(SharedRef, Class)} in another process gives an
 * {@code ArrayWriter} over the same memory. Writers write disjoint ranges and {@link #close()} when done
 * (which, for them, only gives up their mapping); the creator then seals, which waits for every other
 * writer to have let go and fails with {@link RegionInUseException} if one does not in time. After sealing,
 * nobody can map the region writable again ({@link RegionSealedException}); it is an ordinary read-only region.
 * A region shared for writing is never recycled while anyone maps it.
 *
 * <p><b>Memory ordering.</b> Writes through the segment are plain stores into shared memory. A write by one
 * process is guaranteed visible to another only after a synchronizing action between them that goes through
 * the kernel: the writer's {@code write} to a pipe or socket (its reply) and the other's {@code read} of it,
 * a file lock, or the writer closing its mapping before the creator's seal. So: write, close (or reply),
 * and let the creator seal after it has heard from every writer. Two processes must never write the same
 * element; nothing orders such writes.
 *
 * <p>The {@code put} methods copy large inputs on several cores. If the elements are written only by
 * {@code put}s, in order from the start, each without a gap after the one before, the seal's checksum reuses
 * what the copies computed instead of reading the whole array again.
 *
 * <p>Not thread-safe: one thread seals (other threads may write to the segment or {@code put} if the caller
 * orders their writes before {@code seal()}).
 *
 * @param <V> the view type {@link #seal()} returns
 */
public final class ArrayWriter<V extends SharedObject> implements AutoCloseable {
    private static final Duration SEAL_WAIT = Duration.ofSeconds(5);

    private final Class<V> type;
    private final Hold hold;
    private final long node;
    private final MemorySegment elements;
    private final ElementType element;
    /** Whether this writer created the region (and so may hand it out and seal it). */
    private final boolean creator;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean shared;
    /** Checksums of the elements {@code put} so far, while they are written in order from the start. */
    private final KnownCrcs known = new KnownCrcs();
    /**
     * Guarded by {@code known}: the end of the elements {@code put} in order so far, or -1 once anything else
     * may have written them (then the seal reads them all).
     */
    private long putInOrder;
    /** Where the elements start in the region (creator only). */
    private final long elementsAt;

    private ArrayWriter(Class<V> type, Hold hold, long node, MemorySegment elements, ElementType element,
                        boolean creator) {
        this.type = type;
        this.hold = hold;
        this.node = node;
        this.elements = elements;
        this.element = element;
        this.creator = creator;
        // Only the creator seals, so only its puts can spare the seal a pass. (Another writer's elements are
        // in a mapping of its own.)
        this.elementsAt = creator ? elements.address() - hold.region().segment().address() : -1;
        this.putInOrder = creator ? 0 : -1;
    }

    static <V extends SharedObject> ArrayWriter<V> allocate(StoreDir store, Class<V> type, long length, boolean zeroed) {
        ElementType e = Views.arrayType(type);
        if (e == null) {
            throw new IllegalArgumentException("not a primitive array view type: " + type.getName());
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        long bytes = Math.multiplyExact(length, e.size());
        Writable w = Regions.createNode(store, e.arrayTag(), 0, new long[0], bytes, zeroed);
        return new ArrayWriter<>(type, w.hold(), w.node(), w.elements(), e, true);
    }

    static ArrayWriter<SharedMatrix> allocateMatrix(StoreDir store, Class<?> elementType, long rows, long cols) {
        ElementType e = ElementType.ofPrimitive(elementType);
        if (e == null) {
            throw new IllegalArgumentException("not a primitive element type: " + elementType);
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape: rows=" + rows + " cols=" + cols);
        }
        long bytes = Math.multiplyExact(Math.multiplyExact(rows, cols), e.size());
        Writable w = Regions.createNode(store, Format.MATRIX, Format.matrixAux(e), new long[] {rows, cols}, bytes, true);
        return new ArrayWriter<>(SharedMatrix.class, w.hold(), w.node(), w.elements(), e, true);
    }

    /** A writer over a region another process shares for writing, checked to hold a {@code type}. */
    static <V extends SharedObject> ArrayWriter<V> mapWritable(StoreDir store, SharedRef ref, Class<V> type) {
        if (!ref.path().equals("/" + ref.regionName())) {
            throw new IllegalArgumentException("a writable reference names a whole region: path=" + ref.path());
        }
        // A consumed-once reference names a sealed message, never a region shared for writing; read from
        // reference bytes it carries no region id either, which would let any later region of that name pass.
        if (ref.delivery() == Delivery.ONCE) {
            throw new IllegalArgumentException("a consumed-once reference cannot be written through: path="
                    + ref.path());
        }
        Hold h = Regions.openWritable(store, ref.regionName(), ref.regionId());
        try {
            Region r = h.region();
            long root = Regions.header(store, r.name()).root(); // set in the header when it was shared
            Node n = Node.at(r.segment(), root, r.segment().byteSize(), "/" + r.name());
            ElementType e = n.elementType();
            boolean matrix = n.tag() == Format.MATRIX;
            boolean fits = e != null && (matrix ? type == SharedMatrix.class : Views.arrayType(type) == e
                    && Format.isPrimitiveArray(n.tag()));
            if (!fits) {
                throw new IllegalArgumentException("region holds another type: path=" + ref.path() + " holds="
                        + (matrix ? "matrix of " + (e == null ? "?" : e.javaName()) : "tag " + n.tag())
                        + " asked=" + type.getSimpleName());
            }
            long start = n.elementsStart();
            long bytes = n.payload() + n.length() - start;
            MemorySegment all = Regions.writableMapping(r);
            return new ArrayWriter<>(type, h, root, all.asSlice(start, bytes), e, false);
        } catch (java.io.IOException e) {
            h.release();
            throw new StoreException("cannot read region header: path=" + ref.path() + " error=" + e, e);
        } catch (RuntimeException e) {
            h.release();
            throw e;
        }
    }

    /** The elements, writable until {@link #seal()} or {@link #close()}; row-major for a matrix. */
    public MemorySegment segment() {
        MemorySegment all = elements();
        synchronized (known) {
            putInOrder = -1; // whatever the caller writes through it, the seal must read
        }
        return all;
    }

    private MemorySegment elements() {
        if (done.get()) {
            throw new IllegalStateException("array already sealed, discarded or closed: region=/" + region().name());
        }
        return elements;
    }

    /** Copies {@code src} in at byte {@code offset} of the elements, checksumming it if it continues the puts so far. */
    private void copyIn(MemorySegment src, long offset) {
        MemorySegment dst = elements().asSlice(offset, src.byteSize());
        boolean inOrder;
        synchronized (known) {
            inOrder = putInOrder == offset;
            putInOrder = inOrder ? offset + src.byteSize() : -1;
        }
        if (!inOrder || !region().store().checksum()) {
            Copies.copy(src, dst);
            return;
        }
        try {
            known.copy(src, dst, elementsAt + offset);
        } catch (RuntimeException | Error e) {
            synchronized (known) {
                putInOrder = -1;
            }
            throw e;
        }
    }

    /**
     * Copies the elements of {@code array} (a primitive array of this writer's element type) in at element
     * {@code index}: the way to build an array larger than the heap in chunks.
     *
     * @throws IllegalArgumentException  if the array's element type is not this writer's
     * @throws IndexOutOfBoundsException if it does not fit at {@code index}
     */
    public ArrayWriter<V> put(long index, Object array) {
        ElementType e = ElementType.ofArrayClass(array.getClass());
        if (e != element) {
            throw new IllegalArgumentException("array of another element type: writer=" + element.javaName()
                    + " array=" + array.getClass().getSimpleName());
        }
        int n = java.lang.reflect.Array.getLength(array);
        long offset = Math.multiplyExact(index, element.size());
        if (e.copiesAsBytes()) {
            copyIn(e.heapSegment(array), offset);
        } else {
            // Element by element, or with the bytes swapped into the format's little-endian order.
            e.copyIn(array, segment().asSlice(offset, (long) n * e.size()), 0);
        }
        return this;
    }

    /** Copies the remaining bytes of {@code src} in at byte {@code offset} of the elements; {@code src} is consumed. */
    public ArrayWriter<V> put(long offset, java.nio.ByteBuffer src) {
        copyIn(MemorySegment.ofBuffer(src), offset);
        src.position(src.limit());
        return this;
    }

    /** Copies {@code src} in at byte {@code offset} of the elements. */
    public ArrayWriter<V> put(long offset, MemorySegment src) {
        copyIn(src, offset);
        return this;
    }

    /**
     * Fills the elements from {@code in}, from the start, until the elements are full or {@code in} ends:
     * little-endian bytes, sequentially (the pages are advised sequential first), without a heap copy of the
     * whole. Returns the bytes read.
     */
    public long fill(java.nio.channels.ReadableByteChannel in) throws java.io.IOException {
        MemorySegment all = segment();
        Regions.advise(all, Advice.SEQUENTIAL.linux);
        long done = 0;
        long chunk = 1L << 26; // 64 MiB windows: ByteBuffer views are limited to 2 GiB
        while (done < all.byteSize()) {
            java.nio.ByteBuffer window = all.asSlice(done, Math.min(chunk, all.byteSize() - done)).asByteBuffer();
            int n = 0;
            while (window.hasRemaining() && (n = in.read(window)) >= 0) {
                done += n;
            }
            if (n < 0) {
                break;
            }
        }
        return done;
    }

    /** As {@link #fill(java.nio.channels.ReadableByteChannel)}, from a stream. */
    public long fill(java.io.InputStream in) throws java.io.IOException {
        return fill(java.nio.channels.Channels.newChannel(in));
    }

    /** Number of elements (rows times columns for a matrix). */
    public long length() {
        return elements.byteSize() / element.size();
    }

    /** The Java primitive type of the elements, {@code double.class} for instance. */
    public Class<?> elementType() {
        return element.primitive();
    }

    /**
     * A reference through which other processes map this region writable before it is sealed
     * ({@link RegionStore#mapWritable(SharedRef, Class)}). Takes a lease, as {@link SharedObject#ref()} does.
     * Creator only.
     *
     * @throws IllegalStateException if sealed or closed, or called by a writer that is not the creator
     */
    public SharedRef writableRef() {
        segment();
        Region r = region();
        if (!creator) {
            throw new IllegalStateException("only the region's creator hands it out for writing: region=/" + r.name());
        }
        if (!shared) {
            Regions.shareForWriting(new Writable(hold, node, elements));
            shared = true;
        }
        return RegionStore.refTo(r, "/" + r.name(), 0);
    }

    /**
     * Seals the region (readers can map it from now on) and returns the read-only view, which owns the
     * region from here on. If other processes map it writable, waits up to 5 s for them to close.
     *
     * @throws IllegalStateException if already sealed or closed, or called by a writer that is not the creator
     * @throws RegionInUseException  if another process still maps it writable after the wait
     */
    public V seal() {
        return seal(SEAL_WAIT);
    }

    /**
     * As {@link #seal()}, waiting up to {@code wait} for other writers to close.
     *
     * @throws RegionInUseException if another process still maps it writable after the wait (the writer stays
     *                              usable: seal again later)
     */
    public V seal(Duration wait) {
        Region r = region();
        if (!creator) {
            throw new IllegalStateException("only the region's creator seals it: region=/" + r.name());
        }
        if (done.get()) {
            throw new IllegalStateException("array already sealed or discarded: region=/" + r.name());
        }
        if (shared && !Regions.closeForWriting(new Writable(hold, node, elements), wait.toMillis())) {
            throw new RegionInUseException("another writer still maps the region: region=/" + r.name()
                    + " waited=" + wait.toMillis() + "ms (writers close their ArrayWriter before the creator seals)");
        }
        if (!done.compareAndSet(false, true)) {
            throw new IllegalStateException("array already sealed or discarded: region=/" + r.name());
        }
        KnownCrcs reuse;
        synchronized (known) {
            // Only if the puts in order covered every element and no other process wrote any.
            reuse = putInOrder == elements.byteSize() && !shared ? known : null;
        }
        Hold sealed = new Writable(hold, node, elements).seal(r.store().checksum(), reuse);
        return type.cast(Views.view(sealed.region().rootNode(), sealed));
    }

    /**
     * For the creator: discards the region unless it was sealed. For a writer that mapped another process's
     * region: gives up its mapping (the region stays, for its creator to seal). Idempotent.
     */
    @Override
    public void close() {
        if (done.compareAndSet(false, true)) {
            hold.release();
        }
    }

    private Region region() {
        return hold.region();
    }
}

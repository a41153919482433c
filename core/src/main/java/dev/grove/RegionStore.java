package dev.grove;

import dev.grove.internal.Clock;
import dev.grove.internal.Config;
import dev.grove.internal.ElementType;

import dev.grove.internal.BootMark;
import dev.grove.internal.Encoder;
import dev.grove.internal.Format;
import dev.grove.internal.Hold;
import dev.grove.internal.PathSyntax;
import dev.grove.internal.Pins;
import dev.grove.internal.Region;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A directory of region files with its own policies: how long a reference's lease lasts, how many bytes
 * of released regions this process keeps for reuse, whether regions get a checksum. {@link Grove}'s static
 * methods work on the {@link #defaultStore() default store} ({@code /dev/shm/grove-<user>}, or
 * {@code -Dgrove.store} / {@code GROVE_STORE}); open others, on tmpfs or on disk, with {@link #open(Path)} or
 * {@link #builder(Path)}. A reference names its store when it is not the default one, so a receiving process
 * maps it with no setup; the receiver applies the same owner and mode checks to that directory.
 *
 * <p>Thread-safe. A store object holds no resources of its own (views hold their regions); every store object
 * of one directory is equal to the others and shares the process's one record of that directory. What the operating system makes per-process (one descriptor and lock per
 * region file) is kept in one process-wide table keyed by region, shared by all stores.
 */
public final class RegionStore {
    private final StoreDir store;

    private RegionStore(StoreDir store) {
        this.store = store;
    }

    /** The store {@link Grove}'s static methods use. */
    public static RegionStore defaultStore() {
        return new RegionStore(StoreDir.defaultStore()); // the one default is StoreDir's; this is a view of it
    }

    /**
     * The store at {@code dir} (created, mode 0700, if absent; refused if it is a link, another user's, or
     * open to others), with the default policies (the system properties).
     *
     * @throws StoreException if the directory is not usable
     */
    public static RegionStore open(Path dir) {
        return new RegionStore(StoreDir.open(dir));
    }

    /** Starts describing a store at {@code dir} with policies of its own. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Policies of a store, set before it is opened. */
    public static final class Builder {
        private final Path dir;
        private Long leaseMillis;
        private Long recycleBytes;
        private boolean checksum = Config.checksum();
        private boolean retained;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** How long a reference handed out by {@link SharedObject#ref()} keeps its region alive. */
        public Builder lease(Duration lease) {
            if (lease.isNegative()) {
                throw new IllegalArgumentException("negative lease: lease=" + lease);
            }
            this.leaseMillis = lease.toMillis();
            return this;
        }

        /** Bytes of released regions this process may keep mapped for reuse (0 turns recycling off). */
        public Builder recycleBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative recycling budget: bytes=" + bytes);
            }
            this.recycleBytes = bytes;
            return this;
        }

        /** Whether regions get a CRC-32C checksum when sealed ({@link #verify} needs one). */
        public Builder checksum(boolean on) {
            this.checksum = on;
            return this;
        }

        /**
         * Whether the store keeps its sealed regions after the last view, lease and pin are gone, until
         * {@link RegionStore#delete(String)} (a persistent store, on disk). Recorded in the directory, so every
         * process sweeping it honours it; once retained, a store stays retained. Retained regions are never
         * recycled.
         */
        public Builder retained(boolean on) {
            this.retained = on;
            return this;
        }

        /**
         * Opens the store.
         *
         * @throws StoreException if the directory is not usable, or this process already opened it with
         *                        other policies
         */
        public RegionStore open() {
            return new RegionStore(StoreDir.open(dir, new StoreDir.Settings(leaseMillis, recycleBytes, checksum, retained)));
        }
    }

    // ---------------------------------------------------------------- sharing and mapping

    /**
     * Shares any supported value (see {@link Grove}) into a new region of this store.
     *
     * @param <T> the view type the caller expects ({@link SharedDoubleArray} for a {@code double[]}, ...)
     * @throws UnsupportedTypeException if the graph holds a value Grove cannot store
     * @throws StoreFullException       if the store has no room for the region
     */
    public <T extends SharedObject> T share(Object value) {
        return share(Encoder.plan(value, Views.SHAPE));
    }

    /** Shares what {@code plan} describes into a new region of this store. */
    @SuppressWarnings("unchecked")
    <T extends SharedObject> T share(Encoder.Plan plan) {
        Hold writer = Regions.write(store, plan, store.checksum());
        try {
            return (T) Views.view(writer.region().rootNode(), writer);
        } catch (RuntimeException e) {
            writer.release();
            throw e;
        }
    }

    /**
     * Starts a primitive array of {@code length} elements directly in a new region of this store, to be
     * filled through its segment and then sealed; see {@link ArrayWriter}.
     */
    public <V extends SharedList<?>> ArrayWriter<V> allocate(Class<V> type, long length) {
        return ArrayWriter.allocate(store, type, length, true);
    }

    /**
     * As {@link #allocate}, for a writer that writes every element before sealing: the elements start
     * unspecified instead of zero. A region this process recycles (see Recycling) may still hold the bytes of
     * one of its own earlier regions, and zeroing them first would write the whole array twice. Whatever
     * lies outside the elements is written as usual.
     */
    public <V extends SharedList<?>> ArrayWriter<V> allocateForOverwrite(Class<V> type, long length) {
        return ArrayWriter.allocate(store, type, length, false);
    }

    /**
     * Starts a {@code rows x cols} matrix of {@code elementType} ({@code double.class}, {@code int.class}, ...)
     * directly in a new region of this store, zero-filled, row-major; see {@link ArrayWriter}.
     */
    public ArrayWriter<SharedMatrix> allocateMatrix(Class<?> elementType, long rows, long cols) {
        return ArrayWriter.allocateMatrix(store, elementType, rows, cols);
    }

    /**
     * Starts a table of {@code rows} rows and the given primitive columns (name to {@code double.class},
     * {@code long.class}, ..., in order) directly in a new region of this store, zero-filled, to be filled
     * column by column or in chunks of rows and then sealed; see {@link TableWriter}.
     */
    public TableWriter allocateTable(long rows, java.util.Map<String, Class<?>> columns) {
        return TableWriter.allocate(store, rows, columns);
    }

    /**
     * A writer over the array or matrix another process allocated and handed out with
     * {@link ArrayWriter#writableRef()}, before it is sealed: writes go to the same memory. Mapped from the
     * reference's own store. Close it when done: its creator seals only once every other writer let go.
     *
     * @throws RegionSealedException    if the region is sealed already
     * @throws RegionNotFoundException  if it does not exist, or is not shared for writing
     * @throws IllegalArgumentException if it holds another type than {@code type}, or {@code ref} is a
     *                                  consumed-once reference (those name sealed messages)
     */
    public <V extends SharedObject> ArrayWriter<V> mapWritable(SharedRef ref, Class<V> type) {
        StoreDir home = ref.store().map(StoreDir::openExisting).orElseGet(StoreDir::defaultStore);
        return ArrayWriter.mapWritable(home, ref, type);
    }

    /**
     * The view at {@code path} in this store; see {@link Grove#map(String)}.
     *
     * @throws RegionNotFoundException if the region does not exist (any more)
     */
    @SuppressWarnings("unchecked")
    public <T extends SharedObject> T map(String path) {
        PathSyntax.Parsed p = PathSyntax.parse(path);
        return (T) Views.resolve(Regions.open(store, p.name(), 0), p);
    }

    /**
     * The view a reference names, mapped from the reference's own store (whichever store object this is
     * called on), after checking the region id (when the reference carries one), the ticket of a
     * consumed-once reference and the boot the reference was made in.
     *
     * @throws StaleReferenceException if the region under that name has another id, a consumed-once
     *                                 reference's ticket is not outstanding (released already, or the name
     *                                 now holds a later region), or the reference was made on another
     *                                 machine or before a reboot
     * @throws StoreException          if the reference's store directory is missing or not private
     */
    @SuppressWarnings("unchecked")
    public <T extends SharedObject> T map(SharedRef ref) {
        int here = BootMark.here();
        if (ref.bootMark() != 0 && here != 0 && ref.bootMark() != here) {
            throw new StaleReferenceException("reference made on another machine or before a reboot: path="
                    + ref.path() + " ref.boot=" + HexFormat.of().toHexDigits(ref.bootMark())
                    + " here.boot=" + HexFormat.of().toHexDigits(here));
        }
        StoreDir home = ref.store().map(StoreDir::openExisting).orElseGet(StoreDir::defaultStore);
        PathSyntax.Parsed p = PathSyntax.parse(ref.path());
        return (T) Views.resolve(Regions.open(home, p.name(), ref.regionId(), ref.ticket()), p);
    }

    /**
     * A copy-on-write image of the view {@code ref} names ({@link MapMode#PRIVATE}): writable, but writes stay
     * in this process (only the pages written cost memory of their own). The region stays held until
     * {@link PrivateMapping#close()}.
     *
     * @throws RegionNotFoundException if the region does not exist (any more)
     */
    public PrivateMapping mapPrivate(SharedRef ref) {
        SharedObject view = map(ref);
        try {
            Region r = Views.handle(view).region();
            MemorySegment part = view.segment();
            Arena arena = Arena.ofShared();
            MemorySegment whole = Regions.mapPrivate(Views.handle(view).hold(), arena);
            long offset = part.address() - r.segment().address();
            return new PrivateMapping(MapMode.PRIVATE, view.path(), elementTypeOf(view),
                    whole.asSlice(offset, part.byteSize()), arena, view);
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
    }

    /**
     * A private copy, in anonymous memory, of the view {@code ref} names ({@link MapMode#DUPLICATE}): writable,
     * and independent of the region, which is let go of at once (its file may then be deleted).
     */
    public PrivateMapping duplicate(SharedRef ref) {
        try (SharedObject view = map(ref)) {
            Views.handle(view).region().checkWhole();
            MemorySegment part = view.segment();
            Arena arena = Arena.ofShared();
            MemorySegment copy = arena.allocate(Math.max(1, part.byteSize()), 8).asSlice(0, part.byteSize());
            copy.copyFrom(part);
            return new PrivateMapping(MapMode.DUPLICATE, view.path(), elementTypeOf(view), copy, arena, null);
        }
    }

    private static Class<?> elementTypeOf(SharedObject view) {
        if (view instanceof SharedMatrix m) {
            return m.elementType();
        }
        ElementType e = Views.arrayType(view.getClass());
        return e == null ? null : e.primitive();
    }

    /**
     * Reads a whole region of this store and checks it against the checksum written when it was sealed.
     *
     * @throws RegionCorruptException if any byte changed since (or the region has no checksum)
     */
    public void verify(String path) {
        PathSyntax.Parsed p = PathSyntax.parse(path);
        Hold hold = Regions.open(store, p.name(), 0);
        try {
            Region r = hold.region();
            r.checkWhole();
            Format.verifyBody(r.segment(), r.name());
        } finally {
            hold.release();
        }
    }

    /** Whether this store keeps sealed regions until they are deleted explicitly ({@link Builder#retained}). */
    public boolean retained() {
        return store.retained();
    }

    /**
     * Deletes the region {@code path} names now, whatever its lease, pins or the store's retention, unless a
     * process (this one included) holds it.
     *
     * @return whether it was deleted (false: held by a process, or already gone)
     */
    public boolean delete(String path) {
        return Regions.deleteUnheld(store, PathSyntax.parse(path).name());
    }

    // ---------------------------------------------------------------- pins

    /**
     * Pins the region {@code view} belongs to (the whole region, whatever part the view shows) until
     * {@link Pin#unpin()}: it then outlives every view, reference lease and process. The view must belong to
     * this store.
     */
    public Pin pin(SharedObject view) {
        return pin(view, null);
    }

    /**
     * Pins the region {@code view} belongs to for {@code duration} (or, if null, until unpinned).
     *
     * @throws IllegalArgumentException if the view belongs to another store
     */
    public Pin pin(SharedObject view, Duration duration) {
        Handle h = Views.handle(view);
        h.check();
        Region r = h.region();
        if (r.store() != store) {
            throw new IllegalArgumentException("view belongs to another store: path=" + view.path() + " store="
                    + r.store() + " this=" + store);
        }
        long expires = duration == null ? 0 : Math.max(1, Clock.millis() + duration.toMillis());
        String name = Pins.pin(store, r.name(), expires);
        return new Pin(this, name, r.name(), duration == null ? null : Instant.ofEpochMilli(expires));
    }

    /**
     * Pins the region a reference names, checking first that it is still there with the reference's id:
     * what a receiver does to keep data it was sent at rest (a cache entry, a queued message) past the
     * sender and the lease. The reference must name a region of this store.
     *
     * @param duration how long the pin lasts, or null until unpinned
     * @throws StaleReferenceException   if the region now has another id
     * @throws RegionNotFoundException   if it is gone
     * @throws IllegalArgumentException if the reference names another store
     */
    public Pin pin(SharedRef ref, Duration duration) {
        try (SharedObject view = map(ref)) {
            if (view == null) {
                throw new IllegalArgumentException("reference names a null element, not a region: path=" + ref.path());
            }
            return pin(view, duration);
        }
    }

    /** The pins of the region {@code path} names (expired ones included until a sweep deletes them). */
    public List<Pin> pins(String path) {
        String region = PathSyntax.parse(path).name();
        return Pins.of(store.directory(), region).stream()
                .map(p -> new Pin(this, p.name(), region, p.expiresMillis() == 0 ? null : Instant.ofEpochMilli(p.expiresMillis())))
                .toList();
    }

    /**
     * Removes pin {@code name} ({@link Pin#name()}); the region is deleted at once if nothing else keeps it.
     *
     * @return whether the pin existed
     * @throws IllegalArgumentException if {@code name} is not a pin name
     */
    public boolean unpin(String name) {
        boolean existed = Pins.unpin(store, name);
        Regions.deleteIfFree(store, name.substring(0, name.lastIndexOf('.')));
        return existed;
    }

    /** The reference a view of region {@code r} hands out, with this boot's mark and, off the default store, the directory. */
    static SharedRef refTo(Region r, String path, long ticket) {
        StoreDir s = r.store();
        return new SharedRef(path, r.id(), BootMark.here(), s.isDefault() ? null : s.directory().toString(), ticket);
    }

    // ---------------------------------------------------------------- namespaces

    /**
     * The namespace {@code name} of this store: named variables every process of the user can retrieve (see
     * {@link Namespace}). The first use in a process opens the store's directory of names (Chronicle Map).
     *
     * @throws IllegalArgumentException if the name is empty, too long or not valid Unicode
     */
    public Namespace namespace(String name) {
        return Namespace.of(this, store, name);
    }

    /** The namespaces of this store that have at least one registered variable, sorted. */
    public List<String> namespaces() {
        return Namespace.namespacesOf(store);
    }

    // ---------------------------------------------------------------- housekeeping

    /** The store's directory. */
    public Path directory() {
        return store.directory();
    }

    /** How long a reference handed out now keeps its region alive. */
    public Duration lease() {
        return Duration.ofMillis(store.leaseMillis());
    }

    /** Bytes of released regions this process may keep for reuse in this store. */
    public long recycleBytes() {
        return store.recycleBytes();
    }

    /** Bytes free on the store's file system, for an unprivileged writer. */
    public long freeBytes() {
        return store.freeBytes();
    }

    /** Names of the region files in the store now (sealed, being written, or kept for reuse), from any process. */
    public List<String> regionNames() {
        return store.regionNames();
    }

    /** Names of the regions of this store this process maps now. */
    public List<String> mappedHere() {
        return Regions.mappedHere(store);
    }

    /**
     * The file that holds the region a reference path names, whether or not it still exists.
     *
     * @throws InvalidPathException if {@code path} is not a reference path
     */
    public Path file(String path) {
        return store.file(PathSyntax.parse(path).name());
    }

    /**
     * Deletes every region file no process holds and no lease protects, and this process's released
     * regions kept for reuse; what {@code grove gc} does (files still being written are left alone for a
     * grace period).
     *
     * @return names of the regions deleted
     */
    public List<String> sweep() {
        Regions.dropSpares(store);
        return Regions.sweep(store, Regions.DEFAULT_GRACE_MILLIS);
    }

    /**
     * Waits until this process maps no region of this store and a sweep leaves no region file, collecting
     * garbage (views nobody closed) and sweeping as it goes: a leak check for the end of a test suite.
     *
     * @return what is left after {@code timeout}: empty if the store became empty, otherwise one entry per
     *         region, {@code mapped-here=NAME} or {@code file=NAME}
     */
    public List<String> awaitEmpty(Duration timeout) {
        long deadline = Clock.nanos() + timeout.toNanos();
        List<String> left = leftovers();
        while (!left.isEmpty() && Clock.nanos() < deadline) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (mappedHere().isEmpty()) {
                sweep();
            }
            left = leftovers();
        }
        return left;
    }

    private List<String> leftovers() {
        List<String> left = new ArrayList<>();
        mappedHere().forEach(n -> left.add("mapped-here=" + n));
        regionNames().forEach(n -> left.add("file=" + n));
        return left;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionStore r && r.store == store;
    }

    @Override
    public int hashCode() {
        return store.hashCode();
    }

    @Override
    public String toString() {
        return "RegionStore[" + store + "]";
    }
}

package dev.grove.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One region file as this process has it open, and the one place where its state in this process lives
 * and changes ({@link State}). Every view of the region here shares this object and its one mapping.
 * While the state is {@code WRITING}, {@code SEALED} or {@code SPARE} the process holds a shared lock on the
 * file, which is how other processes (and a sweep after a crash) know the region is in use: the kernel
 * drops the lock when the process dies. The lock is an open file description lock on {@link #handle()}, so
 * nothing else this process does with the file (another descriptor opened and closed, a time set) can drop it.
 *
 * <p>Every transition goes through {@link #move}, which checks it against the allowed ones and keeps the
 * process-wide table of open regions ({@link LocalRegions#table}) equal to the set of regions not yet {@code RELEASED}:
 * "this process has the file open" is exactly "the table has it". What keeps a region file alive across
 * processes (holders' locks, leases, pins, a retained store) is decided on disk, by the deleters in
 * {@link Deletion}, not here.
 */
public final class Region {
    /** Where a region file stands in this process. States only move forward, along {@link #NEXT}. */
    public enum State {
        /** Its name is taken; the file is being created, locked and reserved. Not mapped yet. */
        CREATING,
        /** Mapped writable by its creator here; unsealed on disk, so every reader refuses it. */
        WRITING,
        /** Sealed: readable, and held by the views of this process (at least one, or about to be released). */
        SEALED,
        /**
         * Released here and kept mapped, under a fresh name no reference knows, for this process's next
         * region of a similar size ({@link Spares}); unsealed on disk again.
         */
        SPARE,
        /** Unmapped and its descriptor closed, or (for a spare) handed to the region made from it. Final. */
        RELEASED
    }

    private static final Map<State, Set<State>> NEXT = new EnumMap<>(Map.of(
            State.CREATING, EnumSet.of(State.WRITING, State.RELEASED),
            State.WRITING, EnumSet.of(State.SEALED, State.SPARE, State.RELEASED),
            State.SEALED, EnumSet.of(State.SPARE, State.RELEASED),
            State.SPARE, EnumSet.of(State.SEALED, State.RELEASED),
            State.RELEASED, EnumSet.noneOf(State.class)));


    /** Records where every live hold was taken, to find a leak; costs a stack trace per hold. */
    static final boolean DEBUG = Config.debugHolds();
    private final Set<Hold> live = DEBUG ? ConcurrentHashMap.newKeySet() : null;

    private final StoreDir store;
    private final String name;
    private final long id;
    /** Whether this process created the file (only the creator seals it, or keeps it as a spare). */
    private final boolean mine;
    private final AtomicInteger holds = new AtomicInteger();
    private volatile State state;
    /** The name the file has now: the region's own, or its spare name. */
    private volatile String fileName;
    // Set once, on the way out of CREATING (or at birth for a mapped or reused file); published by `state`.
    /** The descriptor whose shared lock says, to every process, that this one holds the region. */
    private RegionFile handle;
    private Arena arena;
    private MemorySegment segment;
    private MemorySegment readOnly;
    // Set once: at mapping for readers, at sealing for the creator (before any view exists).
    private volatile long root;
    /** When this process made or mapped the region: no pin on it can be older (see {@link Pins}). */
    private final long madeMillis;
    /** A time before which the file's lease is known not to end (see {@link Leases}); 0 if none known. */
    private volatile long leaseKnownUntil;

    private Region(StoreDir store, String name, long id, State state, boolean mine) {
        this.madeMillis = Clock.millis();
        this.store = store;
        this.name = name;
        this.id = id;
        this.mine = mine;
        this.fileName = name;
        this.state = state;
    }

    /** A region whose file this process is about to create, in the table at once so no sweep here opens it. */
    static Region creating(StoreDir store, String name, long id) {
        return enter(new Region(store, name, id, State.CREATING, true));
    }

    /**
     * A region another process (or this one, earlier) made, just mapped from {@code file}: SEALED, or, for a
     * region its creator shares for writing, WRITING here too but never sealed nor kept as a spare here.
     */
    static Region mapped(StoreDir store, String name, long id, long root, RegionFile file, Arena arena,
                         MemorySegment segment, boolean forWriting) {
        Region r = new Region(store, name, id, forWriting ? State.WRITING : State.SEALED, false);
        r.attach(file, arena, segment);
        r.root = root;
        return enter(r);
    }

    private static Region enter(Region r) {
        Region before = LocalRegions.PROCESS.table.putIfAbsent(r.fileName, r);
        if (before != null) {
            throw new IllegalStateException("region already open here: region=/" + r.name + " state=" + before.state);
        }
        return r;
    }

    private void attach(RegionFile file, Arena arena, MemorySegment segment) {
        this.handle = file;
        this.arena = arena;
        this.segment = segment;
        this.readOnly = segment.asReadOnly();
    }

    // ------------------------------------------------------------------ transitions

    /**
     * The one way a state changes: from {@code from} (checked) to {@code to} (which {@link #NEXT} must allow),
     * keeping {@link LocalRegions#table} in step.
     *
     * @throws IllegalStateException naming the region and both states if the region is elsewhere or the step
     *                               is not allowed: a bug in Grove, never a user's error
     */
    private synchronized void move(State from, State to) {
        if (state != from || !NEXT.get(from).contains(to)) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + state + " expected="
                    + from + " next=" + to);
        }
        if (to == State.RELEASED) {
            LocalRegions.PROCESS.table.remove(fileName, this);
        }
        state = to;
    }

    /** CREATING to WRITING: the file exists, is locked, reserved and mapped writable. */
    void created(RegionFile file, Arena arena, MemorySegment segment) {
        attach(file, arena, segment);
        move(State.CREATING, State.WRITING);
    }

    /** CREATING to RELEASED: creating the file failed; the caller has closed whatever it had opened. */
    void creationFailed() {
        move(State.CREATING, State.RELEASED);
    }

    /** WRITING to SEALED, once the final header is written: readers anywhere may now map it. Creator only. */
    void sealed(long rootOffset) {
        if (!mine) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " (only its creator seals it)");
        }
        this.root = rootOffset;
        move(State.WRITING, State.SEALED);
    }

    /**
     * SEALED (or WRITING, for a writer that gave up) to SPARE: the file (renamed by the caller to
     * {@code spareName}) stays open and mapped here for reuse. Under the region lock, with no holds left.
     */
    void kept(String spareName) {
        move(state, State.SPARE);
        LocalRegions.PROCESS.table.remove(fileName, this);
        fileName = spareName;
        LocalRegions.PROCESS.table.put(spareName, this);
    }

    /**
     * SPARE to SEALED again: a region kept while a consumed-once reference to it is out (under its own name,
     * still sealed on disk) is mapped by this very process. Under the region lock, by {@link Spares}.
     */
    void reclaimed() {
        move(State.SPARE, State.SEALED);
    }

    /**
     * SPARE to RELEASED, handing the spare's descriptor, lock and mapping (cut to {@code size}) to a new
     * region in WRITING, whose file the caller has renamed to {@code newName}.
     */
    Region reuse(String newName, long newId, long size) {
        Region next = new Region(store, newName, newId, State.WRITING, true);
        next.attach(handle, arena, segment.asSlice(0, size));
        move(State.SPARE, State.RELEASED);
        return enter(next);
    }

    /**
     * To RELEASED from WRITING, SEALED or SPARE: the caller unmaps and closes (or deletes) the file. Under
     * the region lock.
     */
    void released() {
        move(state, State.RELEASED);
    }

    /**
     * Under the region lock, when the count of holds reached zero: whether the region is still one that a
     * release must take care of (nobody took a new hold in between, and nobody released it already).
     */
    boolean releasable() {
        return holds.get() == 0 && (state == State.SEALED || state == State.WRITING);
    }

    // ------------------------------------------------------------------ holds

    /** A new claim on this region, for its writer or a view; the caller registers it with a Cleaner. */
    public Hold acquire() {
        State s = state;
        if (s != State.WRITING && s != State.SEALED) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + s + " (cannot be held)");
        }
        holds.incrementAndGet();
        return remember(new Hold(this));
    }

    /**
     * Claims a sealed region if it still has a claim, without the region lock. The count may only move
     * up from a positive value there: once it reaches zero the region is on its way to release, and since
     * states only move forward a region seen SEALED with a positive count is still SEALED.
     */
    Hold tryAcquire() {
        if (state != State.SEALED) {
            return null;
        }
        int n;
        do {
            n = holds.get();
            if (n <= 0) {
                return null;
            }
        } while (!holds.compareAndSet(n, n + 1));
        return remember(new Hold(this));
    }

    /** Under the region lock: takes back a sealed region whose count reached zero but is not released yet. */
    Hold resurrect() {
        if (state != State.SEALED) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + state + " (cannot be resurrected)");
        }
        holds.incrementAndGet();
        return remember(new Hold(this));
    }

    void releaseOne(Hold h) {
        if (live != null) {
            live.remove(h);
        }
        int left = holds.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("hold count went negative: region=/" + name + " holds=" + left);
        }
        if (left == 0) {
            Mapping.released(this);
        }
    }

    int holds() {
        return holds.get();
    }

    private Hold remember(Hold h) {
        if (live != null) {
            live.add(h);
        }
        return h;
    }

    /** With {@code -Dgrove.debug.holds=true}: where each live hold was taken. Empty otherwise. */
    public java.util.List<Throwable> liveHoldOrigins() {
        return live == null ? java.util.List.of() : live.stream().map(h -> h.origin).toList();
    }

    // ------------------------------------------------------------------ reads

    public State state() {
        return state;
    }

    /** Whether this process created the region's file. */
    public boolean mine() {
        return mine;
    }

    public StoreDir store() {
        return store;
    }

    /** The region's name, without the leading slash. */
    public String name() {
        return name;
    }

    public long id() {
        return id;
    }

    /** The file as it is named now (a spare's file has its spare name). */
    public Path file() {
        return store.file(fileName);
    }

    /** The whole region, read-only: all that views ever see. */
    public MemorySegment segment() {
        requireMapped();
        return readOnly;
    }

    /** The writable mapping; only for the creator, before sealing, and for a spare being recycled. */
    MemorySegment writable() {
        State s = state;
        if (s != State.WRITING && s != State.SPARE && s != State.SEALED) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + s + " (not writable)");
        }
        return segment;
    }

    private void requireMapped() {
        State s = state;
        if (s == State.CREATING || (s == State.RELEASED && segment == null)) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + s + " (not mapped)");
        }
    }

    long madeMillis() {
        return madeMillis;
    }

    long leaseKnownUntil() {
        return leaseKnownUntil;
    }

    void leaseKnownUntil(long millis) {
        if (millis > leaseKnownUntil) {
            leaseKnownUntil = millis;
        }
    }

    /** Offset of the root node. */
    public long root() {
        return root;
    }

    /**
     * Checks that the file is still as long as the mapping. Another process may truncate a region file
     * (nothing in the kernel stops the owner); reading a page past the new end raises SIGBUS, which the JVM
     * turns into an {@link InternalError} for ordinary reads but not inside every intrinsic (the CRC-32C one
     * crashes), so whole-region passes check first.
     *
     * @throws dev.grove.RegionCorruptException if the file is shorter than the mapping
     */
    public void checkWhole() {
        long size;
        try {
            size = handle.stat().size();
        } catch (java.io.IOException e) {
            throw new dev.grove.StoreException("cannot examine region: region=/" + name + " error=" + e, e);
        }
        if (size < segment.byteSize()) {
            throw new dev.grove.RegionCorruptException("region file truncated while mapped: region=/" + name
                    + " size=" + size + " mapped=" + segment.byteSize());
        }
    }

    /** The checked root node, whose path is the region's name. Only for a sealed region. */
    public Node rootNode() {
        if (state != State.SEALED) {
            throw new IllegalStateException("region lifecycle: region=/" + name + " state=" + state + " (not sealed)");
        }
        return Node.at(readOnly, root, readOnly.byteSize(), "/" + name);
    }

    RegionFile handle() {
        return handle;
    }

    /** The whole mapping, writable, whatever the state: for the lifetime block only. */
    MemorySegment mapping() {
        return segment;
    }

    Arena arena() {
        return arena;
    }

    @Override
    public String toString() {
        return "/" + name + " (" + state + ")";
    }
}

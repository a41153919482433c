package dev.grove.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This process's one mapping of one region file, shared by every view of that region here. While the
 * mapping exists the process holds a shared lock on the file, which is how other processes (and a sweep
 * after a crash) know the region is in use: the kernel drops the lock when the process dies. The lock is an
 * open file description lock on {@link #handle()}, so nothing else this process does with the file (another
 * descriptor opened and closed, a time set) can drop it.
 */
public final class Region {
    enum State { OPEN, RELEASED }

    /** Records where every live hold was taken, to find a leak; costs a stack trace per hold. */
    static final boolean DEBUG = Boolean.getBoolean("grove.debug.holds");
    private final java.util.Set<Hold> live = DEBUG ? java.util.concurrent.ConcurrentHashMap.newKeySet() : null;

    private final Store store;
    private final String name;
    private final long id;
    /** The descriptor whose shared lock says, to every process, that this one holds the region. */
    private final RegionFile handle;
    private final Arena arena;
    private final MemorySegment segment;
    private final MemorySegment readOnly;
    private final AtomicInteger holds = new AtomicInteger();
    // Guarded by Regions.LOCK.
    State state = State.OPEN;
    // Set once: at mapping for readers, at sealing for the creator (before any view exists).
    private volatile long root;

    Region(Store store, String name, long id, RegionFile handle, Arena arena, MemorySegment segment) {
        this.store = store;
        this.name = name;
        this.id = id;
        this.handle = handle;
        this.arena = arena;
        this.segment = segment;
        this.readOnly = segment.asReadOnly();
    }

    public Store store() {
        return store;
    }

    /** The region's name, without the leading slash. */
    public String name() {
        return name;
    }

    public long id() {
        return id;
    }

    public Path file() {
        return store.file(name);
    }

    /** The whole region, read-only: all that views ever see. */
    public MemorySegment segment() {
        return readOnly;
    }

    /** The writable mapping; only for the creator, before sealing. */
    MemorySegment writable() {
        return segment;
    }

    /** Offset of the root node. */
    public long root() {
        return root;
    }

    void root(long offset) {
        this.root = offset;
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

    /** The checked root node, whose path is the region's name. */
    public Node rootNode() {
        return Node.at(readOnly, root, readOnly.byteSize(), "/" + name);
    }

    RegionFile handle() {
        return handle;
    }

    Arena arena() {
        return arena;
    }

    /** A new claim on this region; the caller registers it with a Cleaner. */
    public Hold acquire() {
        holds.incrementAndGet();
        return remember(new Hold(this));
    }

    private Hold remember(Hold h) {
        if (live != null) {
            live.add(h);
        }
        return h;
    }

    void forget(Hold h) {
        if (live != null) {
            live.remove(h);
        }
    }

    /** With {@code -Dgrove.debug.holds=true}: where each live hold was taken. Empty otherwise. */
    public java.util.List<Throwable> liveHoldOrigins() {
        return live == null ? java.util.List.of() : live.stream().map(h -> h.origin).toList();
    }

    /**
     * Claims the region if it still has a claim. Outside {@link Regions#LOCK} the count may only move
     * up from a positive value: once it reaches zero the region is on its way to release.
     */
    Hold tryAcquire() {
        int n;
        do {
            n = holds.get();
            if (n <= 0) {
                return null;
            }
        } while (!holds.compareAndSet(n, n + 1));
        return remember(new Hold(this));
    }

    void releaseOne() {
        int left = holds.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("hold count went negative: region=/" + name + " holds=" + left);
        }
        if (left == 0) {
            Regions.released(this);
        }
    }

    int holds() {
        return holds.get();
    }

    /** Under Regions.LOCK: take back a region whose count reached zero but is not released yet. */
    Hold resurrect() {
        holds.incrementAndGet();
        return remember(new Hold(this));
    }
}

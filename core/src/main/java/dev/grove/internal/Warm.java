package dev.grove.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Mappings of regions this process has let go of, kept for a short while without their lock, so that
 * mapping the same region again (the next message written into a region its sender reuses, or a view
 * shared once and mapped per message) costs two system calls instead of a cold map and a later unmap.
 *
 * <p>Why it is safe: an entry holds no lock, so to every other process the region is not held here; it can
 * be deleted, recycled or rewritten meanwhile. Reviving an entry takes the shared lock again first, then
 * checks on the descriptor that the file still has a name and the mapped size, and in the mapping that the
 * header is sealed with the id the reference expects: a region deleted, cut or rewritten since fails a
 * check and is mapped cold instead (which reports it as any map does). A region whose sender reuses it
 * under the same name with a new id revives as the new region: the pages are the same file's.
 *
 * <p>Why it is bounded: the mapping of a file deleted meanwhile keeps its pages until unmapped. Entries go
 * after {@code grove.warm.seconds} idle (default 2; 0 keeps none), the oldest first beyond 64 entries or
 * {@code grove.warm.bytes} (default 1 GiB) of mappings.
 *
 * <p>Everything here runs under the region lock ({@link RegionLock}); an instance is the pool of one process,
 * held by {@link LocalRegions}, its idle time counted on that owner's clock.
 */
final class Warm {
    private static final int MAX_ENTRIES = 64;
    private final long maxBytes = Config.warmBytes();
    private final long idleMillis = Config.warmIdleMillis();

    /** A mapping kept without its lock: the descriptor it was made from, unlocked, and since when. */
    private record Entry(StoreDir store, String name, RegionFile file, Arena arena, MemorySegment mapping, long since) {
    }

    /** Oldest first. */
    private final IdleDrops<Entry> entries;
    private final Clock clock;
    private final RegionLock lock;
    private long bytes;
    private long revived;

    /**
     * The kept mappings of one process ({@link LocalRegions}), or of a test that drives {@code clock} and
     * {@code scheduler}; the settings are read once, here.
     */
    Warm(Clock clock, Scheduler scheduler, RegionLock lock) {
        this.clock = clock;
        this.lock = lock;
        this.entries = new IdleDrops<>(Entry::since, Entry::store, this::drop, () -> idleMillis, clock, scheduler, lock);
    }

    /**
     * Keeps the mapping of {@code r}, just released here (state RELEASED) and not deleted, and gives up its
     * lock. Nothing is kept if warm mappings are off or the region alone exceeds the budget.
     *
     * @return whether the entry now owns the region's descriptor and mapping (else the caller unmaps)
     */
    boolean keep(Region r) {
        lock.require();
        MemorySegment seg = r.mapping();
        long size = seg.byteSize();
        if (idleMillis <= 0 || size > maxBytes || entries.get(r.name()) != null) {
            return false;
        }
        try {
            r.handle().unlock();
        } catch (IOException e) {
            return false; // the caller closes the descriptor, which drops the lock anyway
        }
        while (!entries.isEmpty() && (entries.size() >= MAX_ENTRIES || bytes + size > maxBytes)) {
            drop(entries.values().iterator().next());
        }
        bytes += size;
        entries.put(r.name(), new Entry(r.store(), r.name(), r.handle(), r.arena(), seg, clock.now()));
        return true;
    }

    /**
     * The region {@code name} of {@code store} mapped again from a kept mapping, locked, checked and in the
     * table of open regions; or null if there is none or it no longer passes the checks (then it is dropped,
     * and the caller maps cold).
     *
     * @param expectedId the id the reference carries, or 0 for any
     */
    Region revive(StoreDir store, String name, long expectedId) {
        lock.require();
        Entry e = entries.remove(name);
        if (e == null) {
            return null;
        }
        bytes -= e.mapping().byteSize();
        if (e.store() != store) {
            close(e);
            return null;
        }
        try {
            // Without waiting: an exclusive lock here is a deleter or a recycler at work; map cold behind it.
            if (!e.file().tryLock(false)) {
                close(e);
                return null;
            }
            long size = e.mapping().byteSize();
            Native.Stat st = e.file().stat();
            if (st.links() == 0 || st.size() != size) {
                close(e);
                return null;
            }
            Format.Header h = Format.readHeader(e.mapping(), size, name);
            boolean expected = h.sealed() && (expectedId == 0 || h.id() == expectedId);
            // Nothing else holds it and nothing keeps it: dead, however it looks. The cold path deletes it
            // and says so, as it would had this process never mapped it.
            boolean dead = !store.recentlyRetained() && Deletion.keepsUntil(st.mtimeMillis(), h) <= Clock.millis()
                    && !e.file().lockedElsewhere();
            if (!expected || dead) {
                close(e);
                return null;
            }
            revived++;
            return Region.mapped(store, name, h.id(), h.root(), e.file(), e.arena(), e.mapping(), false);
        } catch (IOException | RuntimeException ex) {
            Housekeeping.log(System.Logger.Level.DEBUG, "a kept mapping failed its checks and is dropped: region=/" + name, ex);
            close(e);
            return null;
        }
    }

    /**
     * Drops every entry of {@code store}.
     *
     * @return whether there were any
     */
    boolean dropAll(StoreDir store) {
        return entries.dropAll(store);
    }

    /** Drops the kept mapping of region {@code name} of {@code store}, if there is one. */
    void drop(StoreDir store, String name) {
        Entry e = entries.get(name);
        if (e != null && e.store() == store) {
            drop(e);
        }
    }

    private void drop(Entry e) {
        entries.remove(e.name());
        bytes -= e.mapping().byteSize();
        close(e);
    }

    private void close(Entry e) {
        Housekeeping.closeArena(e.arena());
        e.file().close();
    }

    /** How many regions this process has mapped again from kept mappings. */
    long revived() {
        return revived;
    }

    /** Names of the regions whose mappings this process keeps now. */
    List<String> names() {
        return entries.names();
    }
}

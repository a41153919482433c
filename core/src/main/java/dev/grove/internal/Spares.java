package dev.grove.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Region files this process created, released, and keeps mapped for its next regions of a similar size.
 *
 * <p>Why: on tmpfs the kernel must allocate and zero every page of a new region before anything can be
 * copied into it, which costs several times the copy itself. A spare's pages are already allocated and
 * mapped here, so a region made from it costs about one copy. The pool is bounded in bytes
 * per store (its recycling budget: {@code grove.recycle.bytes} for the default store, default 1 GiB, 0 turns
 * recycling off; never more than an eighth of the
 * store; nothing is kept once the store is three quarters full) and in time: a spare unused for
 * {@code grove.recycle.seconds} (default 5) is deleted, and so is every spare when the store runs full or
 * the process exits.
 *
 * <p>A region becomes a spare only if no other process holds it and no lease protects it (the checks that
 * would otherwise allow deleting it), under an exclusive lock; it is then renamed to a fresh name, so no
 * reference to the old region can reach it, and its header says unsealed with id 0, which every reader
 * refuses. This process keeps a shared lock on it, so sweeps elsewhere leave it alone; if this process
 * dies, the spare is an unsealed file without holders and the next sweep deletes it after the grace period.
 *
 * <p>A region still sealed, with a consumed-once reference out ({@link dev.grove.Delivery#ONCE}), is kept
 * too, under its own name and with its lock, so that nobody deletes it: it is <i>in flight</i>. It is
 * reused once its receiver has released the ticket (or the ticket's deadline has passed), no other process
 * holds it, no lease or pin keeps it: checked under the exclusive lock, which then writes the spare header
 * before anything else happens to the file. It keeps its name, so the receiver's kept mapping of it
 * ({@link Warm}) serves the next message too.
 *
 * <p>Everything here runs under the region lock ({@link RegionLock}); an instance is the pool of one process,
 * held by {@link LocalRegions}, its idle time counted on that owner's clock.
 */
final class Spares {
    /** Smaller regions cost little to make fresh. */
    static final long MIN_BYTES = 1L << 20;
    /**
     * In flight, smaller regions are worth keeping too: reusing one also spares its receiver a cold map.
     * Below a page there is nothing to spare.
     */
    static final long MIN_IN_FLIGHT_BYTES = 4096;
    private static final int MAX_SPARES = 64;

    /** A region in state SPARE, its size in bytes, since when, and whether it is in flight (see above). */
    private record Spare(Region region, String name, long capacity, long since, boolean inFlight) {
        StoreDir store() {
            return region.store();
        }
    }

    /** Oldest first, by spare name. */
    private final IdleDrops<Spare> pool;
    private final Clock clock;
    private final RegionLock lock;
    private long bytes;
    private long reused;

    /** The pool of one process ({@link LocalRegions}), or of a test that drives {@code clock} and {@code scheduler}. */
    Spares(Clock clock, Scheduler scheduler, RegionLock lock) {
        this.clock = clock;
        this.lock = lock;
        this.pool = new IdleDrops<>(Spare::since, Spare::store, this::drop, Spares::idleMillis, clock, scheduler, lock);
    }

    static long idleMillis() {
        return Config.recycleIdleMillis();
    }

    /**
     * Turns a region this process just released into a spare, if it was created here, is large enough and
     * nobody else holds it. Called with the region's shared lock held.
     *
     * @return true if the spare now owns the region's descriptor and mapping; false if the caller must
     *         unmap, unlock and delete as usual (the descriptor still has its shared lock then)
     */
    boolean keep(Region r) {
        lock.require();
        MemorySegment seg = r.writable();
        long size = seg.byteSize();
        if (!r.mine() || seg.isReadOnly() || !r.store().inMemory() || r.store().recentlyRetained()) {
            return false;
        }
        long budget = budget(r.store(), r.store().recentSpace());
        if (budget < 0) {
            return false;
        }
        // A message region (one that has carried a consumed-once reference, released or not) is kept as it
        // is, whatever its size: the sender's next message goes into it, under the same name.
        if (r.state() == Region.State.SEALED && Format.carriedOnce(seg)) {
            return size >= MIN_IN_FLIGHT_BYTES && size <= budget && keepInFlight(r, size, budget);
        }
        if (size < MIN_BYTES || size > budget) {
            return false;
        }
        RegionFile f = r.handle();
        Path from = r.file();
        Path to = null;
        String name;
        long now;
        try {
            // Shared to exclusive in one step: the region is never unheld on the way.
            if (!f.tryLock(true)) {
                return false; // another process maps it: it stays a region
            }
            try {
                now = Clock.millis();
                // Checked under the exclusive lock, as every deleter does: a pin is only made by a holder.
                if (f.stat().mtimeMillis() > now || Pins.pinned(r.store().directory(), r.name(), r.madeMillis())
                        || r.store().retained()) {
                    return false; // a lease or a pin keeps it for others, or the store keeps its regions
                }
                Format.writeHeader(seg, 0, 0, 0, 0);
                name = StoreDir.newName();
                to = r.store().file(name);
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                // A sweep elsewhere spares an unheld unsealed file for a grace period counted from its mtime.
                f.setModifiedTime(now);
            } finally {
                f.tryLock(false); // back to shared, which cannot fail for the holder of the exclusive lock
            }
        } catch (IOException | RuntimeException e) {
            if (to != null) {
                Housekeeping.log(System.Logger.Level.DEBUG, "a region being made a spare was deleted instead: path=" + to, e);
                deleteQuietly(to);
            }
            return false;
        }
        // Nothing below can fail half way: the region becomes a spare only once its file is one.
        add(r, name, size, clock.now(), false, budget);
        return true;
    }

    /** Keeps a sealed region with a consumed-once reference out, as it is: name, header, lock and mapping. */
    private boolean keepInFlight(Region r, long size, long budget) {
        add(r, r.name(), size, clock.now(), true, budget);
        return true;
    }

    private void add(Region r, String name, long size, long now, boolean inFlight, long budget) {
        makeRoom(r.store(), size, budget);
        r.kept(name);
        bytes += size;
        pool.put(name, new Spare(r, name, size, now, inFlight));
    }

    /** Whether {@code r} is kept in flight here (see the class comment). */
    boolean inFlight(Region r) {
        Spare s = pool.get(r.name());
        return s != null && s.inFlight() && s.region() == r;
    }

    /**
     * Takes back into use a region kept in flight that this process maps itself (its receiver is here):
     * still sealed, so it is a region again, state SEALED.
     *
     * @return whether {@code r} was such a region
     */
    boolean reclaim(Region r) {
        if (r.state() != Region.State.SPARE || !inFlight(r)
                || !Format.readHeader(r.mapping(), r.mapping().byteSize(), r.name()).sealed()) {
            return false;
        }
        remove(pool.get(r.name()));
        r.reclaimed();
        return true;
    }

    /**
     * The most bytes of spares this process keeps for {@code store}: its recycling budget, at most an eighth
     * of the store; or -1, keeping none, once the store is more than three quarters full (or its size is
     * unknown). Spares are invisible to other processes, which can only see a full store; a small
     * {@code /dev/shm} (64 MiB in a Docker container) must not be filled with them.
     */
    private static long budget(StoreDir store, StoreDir.Space space) {
        if (space.total() <= 0 || space.free() < space.total() / 4) {
            return -1;
        }
        return Math.min(store.recycleBytes(), space.total() / 8);
    }

    /**
     * Takes the best-fitting spare of {@code store} for a region of {@code size} bytes (at most twice the
     * size, so a small region does not use up a large spare) and renames its file to {@code name}.
     *
     * @return the new region (state WRITING) with the spare's descriptor, lock and mapping cut to
     *         {@code size}, or null if none fits (or the one that fitted could not be renamed, because a
     *         {@code grove gc} elsewhere deleted it)
     */
    Region take(StoreDir store, String name, long id, long size) {
        lock.require();
        if (pool.isEmpty()) {
            return null;
        }
        List<Spare> fits = new ArrayList<>();
        for (Spare s : pool.values()) {
            if (s.store() == store && s.capacity() >= size && s.capacity() / 2 <= size
                    && (s.inFlight() || size >= MIN_BYTES)) {
                fits.add(s);
            }
        }
        // Best fit; of equals, the most recently released: its receiver most likely still keeps its mapping.
        java.util.Collections.reverse(fits);
        fits.sort(java.util.Comparator.comparingLong(Spare::capacity));
        for (Spare s : fits) {
            Region r = s.inFlight() ? reuseInFlight(s, id, size) : reuse(s, store, name, id, size);
            if (r != null || !s.inFlight()) {
                return r;
            }
        }
        return null;
    }

    /**
     * Makes a new region, keeping the file's name, from a region kept in flight whose consumed-once
     * reference has been released (or has run out), if no process holds it and no lease or pin keeps it.
     *
     * @return the new region (state WRITING), or null if it is still in use (it stays in flight)
     */
    private Region reuseInFlight(Spare s, long id, long size) {
        Region r = s.region();
        RegionFile f = r.handle();
        MemorySegment seg = r.mapping();
        long now = Clock.millis();
        if (Format.onceKeepsUntil(seg) > now) {
            return null; // its receiver has not let go yet: no system call spent
        }
        try {
            if (!f.tryLock(true)) {
                return null; // a receiver still maps it
            }
            try {
                // Under the exclusive lock, as every deleter checks: only holders issue tickets, leases or pins.
                Native.Stat st = f.stat();
                if (st.mtimeMillis() > now || Format.onceKeepsUntil(seg) > now || st.links() == 0
                        || Pins.pinned(r.store().directory(), r.name(), r.madeMillis())) {
                    return null;
                }
                // Before any reader can lock it again: from here on every reader refuses it.
                Format.writeHeader(seg, 0, 0, 0, 0);
            } finally {
                f.tryLock(false); // back to shared, which cannot fail for the holder of the exclusive lock
            }
            remove(s);
            if (s.capacity() > size) {
                f.truncate(size);
            }
            reused++;
            return r.reuse(s.name(), id, size);
        } catch (IOException | RuntimeException e) {
            Housekeeping.log(System.Logger.Level.DEBUG, "a region in flight could not be reused and is dropped: region=/"
                    + s.name(), e);
            if (pool.get(s.name()) == s) {
                remove(s);
            }
            discard(s, r.file());
            return null;
        }
    }

    /** Makes a new region called {@code name} from the spare {@code best}, renaming its file. */
    private Region reuse(Spare best, StoreDir store, String name, long id, long size) {
        remove(best);
        try {
            Files.move(store.file(best.name()), store.file(name), StandardCopyOption.ATOMIC_MOVE);
            RegionFile f = best.region().handle();
            if (best.capacity() > size) {
                f.truncate(size);
            }
            f.setModifiedTime(Clock.millis());
            reused++;
            return best.region().reuse(name, id, size);
        } catch (IOException | RuntimeException e) {
            Housekeeping.log(System.Logger.Level.DEBUG, "a spare could not be taken and is deleted: spare=" + best.name(), e);
            // Under whichever name the file is now, nobody else can want it.
            discard(best, store.file(best.name()));
            deleteQuietly(store.file(name));
            return null;
        }
    }

    /**
     * Deletes every spare of {@code store}.
     *
     * @return whether any was deleted
     */
    boolean dropAll(StoreDir store) {
        return pool.dropAll(store);
    }

    /** At exit: deletes the spare files but leaves the mappings, as {@link Deletion} does for regions. */
    void deleteAllAtExit() {
        for (Spare s : pool.values()) {
            if (s.inFlight()) {
                continue; // a region with a reference out: Regions treats it as a region
            }
            try {
                s.region().handle().unlock();
                Files.deleteIfExists(s.store().file(s.name()));
            } catch (IOException | RuntimeException e) {
                Housekeeping.log(System.Logger.Level.DEBUG, "exit left spare=" + s.name() + " to the sweep elsewhere", e);
            }
        }
    }

    /** Drops this store's oldest spares until one of {@code size} more bytes fits {@code budget}. */
    private void makeRoom(StoreDir store, long size, long budget) {
        long used = 0;
        for (Spare s : pool.values()) {
            used += s.store() == store ? s.capacity() : 0;
        }
        for (Spare s : List.copyOf(pool.values())) {
            boolean tooMany = pool.size() >= MAX_SPARES;
            if (used + size <= budget && !tooMany) {
                break;
            }
            if (s.store() == store || tooMany) {
                drop(s);
                used -= s.store() == store ? s.capacity() : 0;
            }
        }
    }

    private void remove(Spare s) {
        pool.remove(s.name());
        bytes -= s.capacity();
    }

    private void drop(Spare s) {
        remove(s);
        discard(s, s.store().file(s.name()));
    }

    /**
     * Unmaps and deletes: nobody else can hold a spare's file, and no reference names it. A region in flight
     * is still one: it is deleted only if nothing keeps it, else when its ticket or lease runs out.
     */
    private void discard(Spare s, Path file) {
        Region r = s.region();
        r.released();
        if (s.inFlight()) {
            Mapping.unmapAndFree(r);
            return;
        }
        Housekeeping.closeArena(r.arena());
        deleteQuietly(file);
        r.handle().close(); // and with it the lock
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Housekeeping.log(System.Logger.Level.DEBUG, "left to the sweep (an unsealed file without holders): path=" + file, e);
        }
    }

    /** How many regions this process has made from spares so far. */
    long reused() {
        return reused;
    }

    /** Bytes of spares this process keeps now. */
    long bytes() {
        return bytes;
    }

    /** Names of the spares this process keeps now. */
    List<String> names() {
        return pool.names();
    }
}

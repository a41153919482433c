package dev.grove.internal;

import dev.grove.RegionNotFoundException;
import dev.grove.StaleReferenceException;
import dev.grove.StoreException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapping of region files: opening (claiming a region already mapped, reviving a kept mapping, or mapping
 * the file), consumed-once tickets, release when the last claim goes, unmapping, headers, and what this
 * process maps, all kept in the owner's table of open regions ({@link LocalRegions#table}). Why: every path by
 * which a region comes to be mapped in this process, and leaves it, is in this file, under the one lock that
 * serialises them ({@link LocalRegions#lock}).
 *
 * <p>Mapping follows the open protocol of docs/FORMAT.md ("Lifetime"): open the file, check it on the
 * descriptor, take the shared lock, check the name still leads to the inode, and only then read the header.
 */
final class Mapping {

    private static final String NOT_SEALED_SHARED = "not sealed yet: shared for writing (mapWritable gives a writable view)";

    /**
     * A private, copy-on-write mapping of the whole region {@code hold} holds, unmapped when {@code arena}
     * closes; the caller keeps the hold meanwhile.
     */
    static MemorySegment mapPrivate(Hold hold, Arena arena) {
        Region r = hold.region();
        try {
            return r.handle().mapPrivate(r.segment().byteSize(), arena);
        } catch (IOException e) {
            throw new StoreException("cannot map region privately: region=/" + r.name() + " error=" + e, e);
        }
    }

    /** {@code madvise(advice)} on the pages holding {@code range} of a mapping; whether the kernel took it. */
    static boolean advise(MemorySegment range, int advice) {
        return Native.advise(range, advice) == 0;
    }

    /**
     * Claims, writable, a region another process (or this one) created and shares for writing, mapping it if
     * this process does not yet.
     *
     * @throws dev.grove.RegionSealedException if it is sealed already (read-only from then on)
     * @throws RegionNotFoundException         if it does not exist, or is not shared for writing
     */
    static Hold openWritable(StoreDir store, String name, long expectedId) {
        Deletion.startSweeper(store);
        LocalRegions.PROCESS.lock.lock();
        try {
            Region r = LocalRegions.PROCESS.table.get(name);
            if (r != null) {
                if (r.state() == Region.State.SEALED || r.state() == Region.State.RELEASED) {
                    throw sealedAlready(store, name);
                }
                if (r.state() != Region.State.WRITING
                        || !Format.readHeader(r.segment(), r.segment().byteSize(), name).writable()) {
                    throw notFound(store, name, "not shared for writing (state " + r.state() + " in this process)");
                }
                return checked(r.acquire(), expectedId);
            }
            return checked(mapFile(store, name, true).acquire(), expectedId);
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /**
     * Claims the region called {@code name}, mapping it if this process does not yet. A region already
     * mapped costs a table lookup.
     *
     * @param expectedId the region id a reference carries, or 0 to accept any
     */
    static Hold open(StoreDir store, String name, long expectedId) {
        return open(store, name, expectedId, 0);
    }

    /**
     * As {@link #open(StoreDir, String, long)}, for a consumed-once reference with {@code ticket} (0: a fan-out
     * one): the region must have that ticket outstanding, and the hold returned releases it when it is
     * released.
     *
     * @throws StaleReferenceException if the ticket is not outstanding: released already, or never issued
     */
    static Hold open(StoreDir store, String name, long expectedId, long ticket) {
        Hold h = claim(store, name, expectedId);
        if (ticket == 0) {
            return h;
        }
        Region r = h.region();
        if (Format.onceTicket(r.mapping()) != ticket) {
            h.release();
            throw new StaleReferenceException("consumed-once reference released already, or its ticket was never"
                    + " issued: region=/" + name + " ticket=" + Long.toHexString(ticket));
        }
        h.consumes(ticket);
        return h;
    }

    /**
     * Issues a consumed-once ticket ({@link dev.grove.Delivery#ONCE}) on a sealed region this process holds,
     * kept for at most {@code millis} unless released earlier.
     *
     * @return the ticket, or 0 if the region cannot take one now (not sealed, a version 1 region, or another
     *         consumed-once reference is outstanding)
     */
    static long claimOnce(Region r, long millis) {
        if (r.state() != Region.State.SEALED) {
            return 0;
        }
        long ticket = StoreDir.newId();
        return Format.claimOnce(r.mapping(), ticket, Clock.millis() + millis) ? ticket : 0;
    }

    private static Hold claim(StoreDir store, String name, long expectedId) {
        Region r = LocalRegions.PROCESS.table.get(name);
        if (r != null && r.store() == store) {
            Hold h = r.tryAcquire();
            if (h != null) {
                return checked(h, expectedId);
            }
        }
        Deletion.startSweeper(store);
        LocalRegions.PROCESS.lock.lock();
        try {
            r = LocalRegions.PROCESS.table.get(name);
            if (r != null && (r.state() == Region.State.SEALED || LocalRegions.PROCESS.spares.reclaim(r))) {
                return checked(r.resurrect(), expectedId);
            }
            if (r != null) {
                // Spares and regions being written here are unsealed: no reader may see them.
                boolean shared = r.state() == Region.State.WRITING
                        && Format.readHeader(r.segment(), r.segment().byteSize(), name).writable();
                throw notFound(store, name, shared ? NOT_SEALED_SHARED : "not sealed (state " + r.state() + " in this process)");
            }
            Region warm = LocalRegions.PROCESS.warm.revive(store, name, expectedId);
            return checked((warm != null ? warm : mapFile(store, name, false)).acquire(), expectedId);
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /** Returns {@code h} if its region carries {@code expectedId} (or any id is fine); else releases it and throws. */
    private static Hold checked(Hold h, long expectedId) {
        Region r = h.region();
        if (expectedId != 0 && expectedId != r.id()) {
            h.release();
            throw new StaleReferenceException("region id mismatch (name reused or reference forged): region=/"
                    + r.name() + " reference.id=" + Long.toHexString(expectedId) + " region.id="
                    + Long.toHexString(r.id()));
        }
        return h;
    }

    /**
     * Opens, checks, locks and maps an existing region: a sealed one read-only, or (for a writer) one its
     * creator shares for writing, writable. The order matters: the file is opened first and everything after
     * is checked on that descriptor; once the shared lock is held nobody can delete or recycle the file, and
     * only then is its name checked to still lead to it (a region recycled into a spare between the open and
     * the lock has been renamed away).
     */
    private static Region mapFile(StoreDir store, String name, boolean forWriting) {
        Path file = store.file(name);
        RegionFile f = null;
        Arena arena = null;
        try {
            f = RegionFile.open(file);
            StoreDir.checkOwnedAndPrivate(f, "region file");
            // A sealed region nobody holds and no lease protects is dead even before a sweep removes it:
            // remove it now, so that mapping it fails the same way whether or not a sweep ran.
            // (Never in a retained store, whose sealed regions only an explicit delete removes.)
            if (!forWriting && !store.recentlyRetained() && Deletion.deleteIfUnused(f, file, Long.MAX_VALUE / 2, true)) {
                throw notFound(store, name, "freed (no holder left and its lease ended)");
            }
            // Blocks only while a sweep holds the exclusive lock for the few microseconds it needs.
            f.lock(false);
            Native.Stat st = f.stat();
            if (!f.stillAt(file, st)) {
                throw notFound(store, name, "freed while being mapped");
            }
            long size = st.size();
            Format.checkHoldsHeader(size, name);
            arena = Arena.ofShared();
            // Writable even for readers, who write nothing but the lifetime block: views get a read-only slice.
            MemorySegment seg = f.map(size, true, arena);
            Format.Header h = Format.readHeader(seg, size, name);
            if (forWriting && h.sealed()) {
                throw sealedAlready(store, name);
            }
            if (forWriting ? !h.writable() : !h.sealed()) {
                throw notFound(store, name, forWriting ? "not shared for writing (being written by its creator, or a spare)"
                        : h.writable() ? NOT_SEALED_SHARED : "not sealed (still being written, or its writer died)");
            }
            return Region.mapped(store, name, h.id(), h.root(), f, arena, seg, forWriting);
        } catch (NoSuchFileException e) {
            Housekeeping.closeQuietly(arena, f);
            throw notFound(store, name, "no such region");
        } catch (RegionFile.NotRegularFileException e) {
            Housekeeping.closeQuietly(arena, f);
            throw new StoreException("region file has the wrong file type (" + e.getReason() + "): region=/"
                    + name + " store=" + store, e);
        } catch (IOException e) {
            Housekeeping.closeQuietly(arena, f);
            throw new StoreException("cannot map region: region=/" + name + " store=" + store + " error=" + e, e);
        } catch (RuntimeException e) {
            Housekeeping.closeQuietly(arena, f);
            throw e;
        }
    }

    private static dev.grove.RegionSealedException sealedAlready(StoreDir store, String name) {
        return new dev.grove.RegionSealedException("region is sealed, read-only from now on: region=/" + name
                + " store=" + store);
    }

    private static RegionNotFoundException notFound(StoreDir store, String name, String why) {
        return new RegionNotFoundException(why + ": region=/" + name + " store=" + store);
    }

    /**
     * Called when a region's claim count reaches zero: delete the file if nobody else holds it and nothing
     * keeps it; otherwise keep it for reuse (the creator: {@link Spares}) or keep its mapping without a lock
     * for the next message in it ({@link Warm}), or unmap and close.
     */
    static void released(Region r) {
        LocalRegions.PROCESS.lock.lock();
        try {
            if (!r.releasable() || LocalRegions.PROCESS.spares.keep(r)) {
                return;
            }
            boolean sealed = r.state() == Region.State.SEALED;
            // A retained store keeps its sealed regions: no deletion to try (a few system calls saved per release).
            boolean retained = sealed && r.store().recentlyRetained();
            r.released();
            RegionFile f = r.handle();
            boolean unmap = true;
            try {
                int fate = retained ? Deletion.KEPT : Deletion.deleteOrSayWhy(f, r.file(), 0, false);
                if (fate != Deletion.DELETED) {
                    // Another holder's release deletes it in its turn; a lease's end needs a reminder here.
                    if (fate == Deletion.KEPT && !retained) {
                        Deletion.deleteAtLeaseEnd(r.store(), r.name(), Deletion.keepsUntil(f, f.stat()));
                    }
                    unmap = !(sealed && LocalRegions.PROCESS.warm.keep(r));
                }
            } catch (IOException e) {
                Housekeeping.log(System.Logger.Level.DEBUG, "release of region=/" + r.name() + " left its file to the sweep", e);
            } finally {
                if (unmap) {
                    Housekeeping.closeArena(r.arena());
                    f.close(); // drops this descriptor's lock, if it still has one
                }
            }
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /**
     * Unmaps and closes a region released here (state RELEASED) that nobody in this process uses any more,
     * deleting its file if nothing keeps it, else when its lease ends. Under the region lock.
     */
    static void unmapAndFree(Region r) {
        RegionFile f = r.handle();
        try {
            if (Deletion.deleteOrSayWhy(f, r.file(), 0, false) == Deletion.KEPT) {
                Deletion.deleteAtLeaseEnd(r.store(), r.name(), Deletion.keepsUntil(f, f.stat()));
            }
        } catch (IOException e) {
            Housekeeping.log(System.Logger.Level.DEBUG, "region=/" + r.name() + " left to the sweep", e);
        } finally {
            Housekeeping.closeArena(r.arena());
            f.close();
        }
    }

    /**
     * The header of region {@code name}: from the mapping if this process maps the region, else through a
     * descriptor of its own (which cannot disturb any lock, see {@link RegionFile}).
     *
     * @throws dev.grove.RegionCorruptException if the header is not valid
     */
    static Format.Header header(StoreDir store, String name) throws IOException {
        LocalRegions.PROCESS.lock.lock();
        try {
            Region r = LocalRegions.PROCESS.table.get(name);
            if (r != null && r.state() == Region.State.CREATING) {
                throw new dev.grove.RegionNotFoundException("region is being created: region=/" + name);
            }
            if (r != null) {
                MemorySegment mapped = r.segment();
                return Format.readHeader(mapped, mapped.byteSize(), name);
            }
            try (RegionFile f = RegionFile.open(store.file(name))) {
                return Deletion.readHeader(f, name, f.stat().size());
            }
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /** Whether this process has the file open: mapped, being created, or kept as a spare. Under the region lock. */
    static boolean heldHere(String name) {
        return LocalRegions.PROCESS.table.containsKey(name);
    }

    /**
     * Deletes the released regions this process keeps for reuse in {@code store} (see {@link Spares}); they
     * would otherwise go after a few idle seconds.
     *
     * @return whether there were any
     */
    static boolean dropSpares(StoreDir store) {
        LocalRegions.PROCESS.lock.lock();
        try {
            boolean warm = LocalRegions.PROCESS.warm.dropAll(store); // a kept mapping of a deleted file still holds its pages
            return LocalRegions.PROCESS.spares.dropAll(store) || warm;
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /**
     * Unmaps this process's kept mapping of region {@code name} ({@link Warm}), if any: for callers that
     * promise the region is unmapped here once their views are closed.
     */
    static void dropKeptMapping(StoreDir store, String name) {
        LocalRegions.PROCESS.lock.lock();
        try {
            LocalRegions.PROCESS.warm.drop(store, name);
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /** Whether some process (this one included) holds a lock on the region file, asked of the kernel. */
    static boolean isHeld(StoreDir store, String name) {
        try (RegionFile f = RegionFile.open(store.file(name))) {
            return f.lockedElsewhere();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that the kernel agrees with this process about what it holds: every region mapped here and
     * every spare kept here has a lock on its descriptor, as {@code /proc/self/fdinfo} lists it.
     *
     * @throws IllegalStateException naming the regions this process believes it holds but does not
     */
    static void checkHeld() {
        List<String> lost = new ArrayList<>();
        LocalRegions.PROCESS.lock.lock();
        try {
            for (Region r : LocalRegions.PROCESS.table.values()) {
                if (r.state() != Region.State.CREATING && !r.handle().holdsLock()) {
                    lost.add(r.toString());
                }
            }
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
        if (!lost.isEmpty()) {
            throw new IllegalStateException("this process holds no lock on regions it maps: regions=" + lost);
        }
    }

    /** Under {@code -Dgrove.debug.holds=true}: {@link #checkHeld} for one region. */
    static void checkHeldIfDebugging(Region r) {
        if (Region.DEBUG && !r.handle().holdsLock()) {
            throw new IllegalStateException("this process holds no lock on a region it maps: region=/" + r.name()
                    + " fd=" + r.handle().fd());
        }
    }

    /** Where the live holds on region {@code name} were taken (needs {@code -Dgrove.debug.holds=true}). */
    static List<Throwable> holdOrigins(String name) {
        Region r = LocalRegions.PROCESS.table.get(name);
        return r == null ? List.of() : r.liveHoldOrigins();
    }

    /** Names of the regions this process maps now (being written or sealed; spares are not regions). */
    static List<String> mappedHere() {
        return mappedHere(null);
    }

    /** Names of the regions of {@code store} (any, if null) this process maps now. */
    static List<String> mappedHere(StoreDir store) {
        List<String> names = new ArrayList<>();
        LocalRegions.PROCESS.table.forEach((name, r) -> {
            Region.State s = r.state();
            if ((store == null || r.store() == store) && (s == Region.State.WRITING || s == Region.State.SEALED)) {
                names.add(name);
            }
        });
        return names;
    }

    private Mapping() {
    }
}

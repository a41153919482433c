package dev.grove.internal;

import dev.grove.GroveException;
import dev.grove.RegionNotFoundException;
import dev.grove.StaleReferenceException;
import dev.grove.StoreException;
import dev.grove.StoreFullException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide table of mapped regions, and the rules that create, map, release and sweep region
 * files.
 *
 * <p>Liveness across processes rests on file locks: every process that maps a region holds a shared
 * lock on its file for as long as the mapping lives; the kernel drops it when the process exits, however
 * it exits. A region file may be deleted only by someone holding an exclusive lock on it, which exists only
 * when nobody maps it. The file's modification time doubles as its lease: handing out a reference moves it
 * into the future, and nobody deletes the file before that time.
 *
 * <p>The locks are open file description locks ({@link RegionFile}): they belong to the descriptor that
 * took them, so opening and closing other descriptors of a held file (a sweep, a listing, a checksum, in this
 * process or another) never drops them, and the lease time is set through the holding descriptor. With
 * {@code -Dgrove.debug.holds=true}, every region this process creates, recycles or leases is checked
 * against the kernel's own record of its locks ({@link #checkHeld}).
 */
public final class Regions {
    /** Serialises opening, releasing and sweeping region files in this process. */
    static final ReentrantLock LOCK = new ReentrantLock();
    private static final String NOT_SEALED_SHARED = "not sealed yet: shared for writing (mapWritable gives a writable view)";
    /** How long an unsealed file with no holders is left alone: its creator may be between create and lock. */
    public static final long DEFAULT_GRACE_MILLIS = 10_000;
    private static final long SWEEP_PERIOD_SECONDS = 60;
    /** How long the exit waits for another thread's release or sweep before it leaves the rest to a sweep. */
    private static final long EXIT_WAIT_SECONDS = 5;
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    /**
     * Regions released here while leased, by name, with the lease end of their latest reminder: deleted when
     * the lease ends, or at exit if it has.
     */
    private static final Map<String, Lease> LEASED = new ConcurrentHashMap<>();
    private static java.util.concurrent.ScheduledThreadPoolExecutor sweeper;

    private record Lease(Store store, long until) {
    }

    private Regions() {
    }

    // ---------------------------------------------------------------- create

    /**
     * Creates a region file of {@code size} bytes, reserves its space, locks and maps it writable, and
     * returns the writer's claim on it. Nothing is left behind if any step fails.
     */
    public static Hold create(Store store, long size) {
        return create(store, size, false);
    }

    /**
     * As {@link #create(Store, long)}; with {@code zeroBody}, everything after the header reads as zero
     * (a fresh file does anyway; a recycled spare is cleared).
     */
    public static Hold create(Store store, long size, boolean zeroBody) {
        startSweeper(store);
        String name = Store.newName();
        long id = Store.newId();
        Region r;
        LOCK.lock();
        try {
            r = Spares.take(store, name, id, size);
        } finally {
            LOCK.unlock();
        }
        if (r != null) {
            Format.clearLifetime(r.writable());
            if (zeroBody) {
                r.writable().asSlice(Format.HEADER_SIZE).fill((byte) 0);
            }
        }
        if (r == null) {
            r = createFresh(store, name, id, size);
        }
        Format.writeHeader(r.writable(), 0, id, 0, 0);
        Hold writer = r.acquire();
        checkHeldIfDebugging(r);
        return writer;
    }

    private static Region createFresh(Store store, String name, long id, long size) {
        // In the table from the start: a sweep here must not open a file this process is creating.
        Region r = Region.creating(store, name, id);
        RegionFile file = null;
        Arena arena = null;
        try {
            file = store.createFile(name);
            file.lock(false);
            reserve(store, name, file, size);
            arena = Arena.ofShared();
            MemorySegment seg = file.map(size, true, arena);
            if (store.inMemory()) {
                Native.populateForWrite(seg);
            }
            r.created(file, arena, seg);
            return r;
        } catch (IOException | RuntimeException e) {
            r.creationFailed();
            closeQuietly(arena, file);
            if (file != null) {
                deleteQuietly(store.file(name));
            }
            if (e instanceof GroveException ge) {
                throw ge;
            }
            throw new StoreException("cannot create region: region=/" + name + " store=" + store + " size=" + size
                    + " error=" + e, e);
        }
    }

    /** Reserves the file's pages; a full store first gives back this process's spares there. */
    private static void reserve(Store store, String name, RegionFile file, long size) {
        int err = file.allocate(size);
        if (err == Native.ENOSPC && dropSpares(store)) {
            err = file.allocate(size);
        }
        if (err != 0) {
            throw reserveFailed(store, name, size, err);
        }
    }

    private static StoreException reserveFailed(Store store, String name, long size, int err) {
        if (err == Native.ENOSPC) {
            return new StoreFullException("store full: region=/" + name + " store=" + store + " requested=" + size
                    + " free=" + store.freeBytes() + " (free space in the store, or enlarge it: a tmpfs mount's"
                    + " size=, or Docker's --shm-size)");
        }
        return new StoreException("cannot reserve space: region=/" + name + " store=" + store + " requested=" + size
                + " errno=" + err);
    }

    /** Seals a region the creator has filled: writes the final header, making it visible to readers. */
    static void seal(Region r, long root, boolean checksum) {
        seal(r, root, checksum, null);
    }

    /** As {@link #seal(Region, long, boolean)}, reusing the checksums {@code known} took of parts of the body. */
    static void seal(Region r, long root, boolean checksum, KnownCrcs known) {
        MemorySegment seg = r.writable();
        int crc = !checksum ? 0 : known == null ? Format.bodyCrc(seg) : known.crc(seg, Format.bodyStart(seg));
        Format.writeHeader(seg, Format.FLAG_SEALED | (checksum ? Format.FLAG_CHECKSUM : 0), r.id(), root, crc);
        r.sealed(root);
    }

    /**
     * Creates a region for {@code plan}, writes and seals it, and returns the creator's claim on it. If
     * anything fails, the claim is dropped and the file deleted.
     */
    public static Hold write(Store store, Encoder.Plan plan, boolean checksum) {
        Hold writer = create(store, plan.size());
        try {
            Region r = writer.region();
            KnownCrcs known = checksum ? new KnownCrcs() : null;
            seal(r, plan.writeTo(r.writable(), known), checksum, known);
            return writer;
        } catch (RuntimeException | Error e) {
            writer.release();
            throw e;
        }
    }

    /**
     * A region holding one node (a primitive array or a matrix) whose elements the caller fills before
     * sealing.
     *
     * @param node     region offset of the node (the root)
     * @param elements the node's elements, writable
     */
    public record Writable(Hold hold, long node, MemorySegment elements) {
        /** Seals the region (creator only) and hands over the writer's claim. */
        public Hold seal(boolean checksum) {
            return seal(checksum, null);
        }

        /** As {@link #seal(boolean)}, reusing the checksums {@code known} (if not null) took while copying in. */
        public Hold seal(boolean checksum, KnownCrcs known) {
            Regions.seal(hold.region(), node, checksum, known);
            return hold;
        }
    }

    /**
     * Creates an unsealed region with one node: tag {@code tag}, aux {@code aux}, then the 64-bit words
     * {@code prefix} (a matrix's rows and columns), then {@code bytes} element bytes: zero-filled, or with
     * {@code zeroed} false whatever a recycled region of this process held (the caller writes them all).
     */
    public static Writable createNode(Store store, int tag, int aux, long[] prefix, long bytes, boolean zeroed) {
        long node = Format.HEADER_SIZE;
        long length = 8L * prefix.length + bytes;
        long size = node + Format.NODE_HEADER + Format.align8(length);
        Hold writer = create(store, size, zeroed);
        MemorySegment seg = writer.region().writable();
        // The padding after the elements is written here either way: a region's bytes never depend on the
        // region it was recycled from.
        long end = node + Format.NODE_HEADER + length;
        seg.asSlice(end, size - end).fill((byte) 0);
        seg.set(Format.U32, node, tag);
        seg.set(Format.U32, node + 4, aux);
        seg.set(Format.U64, node + 8, length);
        for (int i = 0; i < prefix.length; i++) {
            seg.set(Format.U64, node + Format.NODE_HEADER + 8L * i, prefix[i]);
        }
        return new Writable(writer, node, seg.asSlice(node + Format.NODE_HEADER + 8L * prefix.length, bytes));
    }

    /**
     * A private, copy-on-write mapping of the whole region {@code hold} holds, unmapped when {@code arena}
     * closes; the caller keeps the hold meanwhile.
     */
    public static MemorySegment mapPrivate(Hold hold, Arena arena) {
        Region r = hold.region();
        try {
            return r.handle().mapPrivate(r.segment().byteSize(), arena);
        } catch (IOException e) {
            throw new StoreException("cannot map region privately: region=/" + r.name() + " error=" + e, e);
        }
    }

    /** {@code madvise(advice)} on the pages holding {@code range} of a mapping; whether the kernel took it. */
    public static boolean advise(MemorySegment range, int advice) {
        return Native.advise(range, advice) == 0;
    }

    /** The writable mapping of a region being written (by its creator, or by a writer it shared it with). */
    public static MemorySegment writableMapping(Region r) {
        if (r.state() != Region.State.WRITING) {
            throw new IllegalStateException("region lifecycle: region=/" + r.name() + " state=" + r.state()
                    + " (not being written)");
        }
        return r.writable();
    }

    /**
     * Marks a region this process is writing as shared for writing (header flag WRITABLE, root set, still
     * unsealed) and leases it, so that other processes may map it writable ({@link #openWritable}).
     */
    public static void shareForWriting(Writable w) {
        Region r = w.hold().region();
        Format.writeHeader(r.writable(), Format.FLAG_WRITABLE, r.id(), w.node(), 0);
        Leases.extend(r, r.store().leaseMillis());
    }

    /**
     * Before the creator seals a region shared for writing: stops new writers (the header no longer says
     * WRITABLE, so {@link #openWritable} refuses it, here and elsewhere), then waits, for at most
     * {@code millis}, until no other process holds the region and no other writer of this process does. If
     * that does not happen in time, the region is shared for writing again.
     *
     * @return whether the creator is the only writer left
     */
    public static boolean closeForWriting(Writable w, long millis) {
        Region r = w.hold().region();
        LOCK.lock();
        try {
            Format.writeHeader(r.writable(), 0, r.id(), w.node(), 0); // under LOCK: openWritable checks then claims
        } finally {
            LOCK.unlock();
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (r.holds() > 1 || r.handle().lockedElsewhere()) {
                if (System.nanoTime() > deadline) {
                    Format.writeHeader(r.writable(), Format.FLAG_WRITABLE, r.id(), w.node(), 0);
                    return false;
                }
                Thread.sleep(2);
            }
            return true;
        } catch (IOException e) {
            throw new StoreException("cannot examine region=/" + r.name() + " store=" + r.store() + " error=" + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Claims, writable, a region another process (or this one) created and shares for writing, mapping it if
     * this process does not yet.
     *
     * @throws dev.grove.RegionSealedException if it is sealed already (read-only from then on)
     * @throws RegionNotFoundException         if it does not exist, or is not shared for writing
     */
    public static Hold openWritable(Store store, String name, long expectedId) {
        startSweeper(store);
        LOCK.lock();
        try {
            Region r = Region.TABLE.get(name);
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
            LOCK.unlock();
        }
    }

    // ---------------------------------------------------------------- map

    /**
     * Claims the region called {@code name}, mapping it if this process does not yet. A region already
     * mapped costs a table lookup.
     *
     * @param expectedId the region id a reference carries, or 0 to accept any
     */
    public static Hold open(Store store, String name, long expectedId) {
        return open(store, name, expectedId, 0);
    }

    /**
     * As {@link #open(Store, String, long)}, for a consumed-once reference with {@code ticket} (0: a fan-out
     * one): the region must have that ticket outstanding, and the hold returned releases it when it is
     * released.
     *
     * @throws StaleReferenceException if the ticket is not outstanding: released already, or never issued
     */
    public static Hold open(Store store, String name, long expectedId, long ticket) {
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
    public static long claimOnce(Region r, long millis) {
        if (r.state() != Region.State.SEALED) {
            return 0;
        }
        long ticket = Store.newId();
        return Format.claimOnce(r.mapping(), ticket, System.currentTimeMillis() + millis) ? ticket : 0;
    }

    private static Hold claim(Store store, String name, long expectedId) {
        Region r = Region.TABLE.get(name);
        if (r != null && r.store() == store) {
            Hold h = r.tryAcquire();
            if (h != null) {
                return checked(h, expectedId);
            }
        }
        startSweeper(store);
        LOCK.lock();
        try {
            r = Region.TABLE.get(name);
            if (r != null && (r.state() == Region.State.SEALED || Spares.reclaim(r))) {
                return checked(r.resurrect(), expectedId);
            }
            if (r != null) {
                // Spares and regions being written here are unsealed: no reader may see them.
                boolean shared = r.state() == Region.State.WRITING
                        && Format.readHeader(r.segment(), r.segment().byteSize(), name).writable();
                throw notFound(store, name, shared ? NOT_SEALED_SHARED : "not sealed (state " + r.state() + " in this process)");
            }
            Region warm = Warm.revive(store, name, expectedId);
            return checked((warm != null ? warm : mapFile(store, name, false)).acquire(), expectedId);
        } finally {
            LOCK.unlock();
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
    private static Region mapFile(Store store, String name, boolean forWriting) {
        Path file = store.file(name);
        RegionFile f = null;
        Arena arena = null;
        try {
            f = RegionFile.open(file);
            Store.checkOwnedAndPrivate(f, "region file");
            // A sealed region nobody holds and no lease protects is dead even before a sweep removes it:
            // remove it now, so that mapping it fails the same way whether or not a sweep ran.
            // (Never in a retained store, whose sealed regions only an explicit delete removes.)
            if (!forWriting && !store.recentlyRetained() && deleteIfUnused(f, file, Long.MAX_VALUE / 2, true)) {
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
            closeQuietly(arena, f);
            throw notFound(store, name, "no such region");
        } catch (RegionFile.NotRegularFileException e) {
            closeQuietly(arena, f);
            throw new StoreException("region file has the wrong file type (" + e.getReason() + "): region=/"
                    + name + " store=" + store, e);
        } catch (IOException e) {
            closeQuietly(arena, f);
            throw new StoreException("cannot map region: region=/" + name + " store=" + store + " error=" + e, e);
        } catch (RuntimeException e) {
            closeQuietly(arena, f);
            throw e;
        }
    }

    private static dev.grove.RegionSealedException sealedAlready(Store store, String name) {
        return new dev.grove.RegionSealedException("region is sealed, read-only from now on: region=/" + name
                + " store=" + store);
    }

    private static RegionNotFoundException notFound(Store store, String name, String why) {
        return new RegionNotFoundException(why + ": region=/" + name + " store=" + store);
    }

    // ---------------------------------------------------------------- release

    /**
     * Called when a region's claim count reaches zero: delete the file if nobody else holds it and nothing
     * keeps it; otherwise keep it for reuse (the creator: {@link Spares}) or keep its mapping without a lock
     * for the next message in it ({@link Warm}), or unmap and close.
     */
    static void released(Region r) {
        LOCK.lock();
        try {
            if (!r.releasable() || Spares.keep(r)) {
                return;
            }
            boolean sealed = r.state() == Region.State.SEALED;
            // A retained store keeps its sealed regions: no deletion to try (a few system calls saved per release).
            boolean retained = sealed && r.store().recentlyRetained();
            r.released();
            RegionFile f = r.handle();
            boolean unmap = true;
            try {
                int fate = retained ? KEPT : deleteOrSayWhy(f, r.file(), 0, false);
                if (fate != DELETED) {
                    // Another holder's release deletes it in its turn; a lease's end needs a reminder here.
                    if (fate == KEPT && !retained) {
                        deleteAtLeaseEnd(r.store(), r.name(), keepsUntil(f, f.stat()));
                    }
                    unmap = !(sealed && Warm.keep(r));
                }
            } catch (IOException e) {
                log(System.Logger.Level.DEBUG, "release of region=/" + r.name() + " left its file to the sweep", e);
            } finally {
                if (unmap) {
                    closeArena(r.arena());
                    f.close(); // drops this descriptor's lock, if it still has one
                }
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Unmaps and closes a region released here (state RELEASED) that nobody in this process uses any more,
     * deleting its file if nothing keeps it, else when its lease ends. Under {@link #LOCK}.
     */
    static void unmapAndFree(Region r) {
        RegionFile f = r.handle();
        try {
            if (deleteOrSayWhy(f, r.file(), 0, false) == KEPT) {
                deleteAtLeaseEnd(r.store(), r.name(), keepsUntil(f, f.stat()));
            }
        } catch (IOException e) {
            log(System.Logger.Level.DEBUG, "region=/" + r.name() + " left to the sweep", e);
        } finally {
            closeArena(r.arena());
            f.close();
        }
    }

    /**
     * Until when the file open as {@code f} (whose {@link RegionFile#stat()} is {@code st}) must be kept even
     * without holders: see {@link #keepsUntil(long, Format.Header)}.
     */
    static long keepsUntil(RegionFile f, Native.Stat st) {
        return keepsUntil(st.mtimeMillis(), headerOrNull(f, st.size()));
    }

    /**
     * The one rule for how long a region file is kept without holders: until its lease (the file's
     * modification time, {@code mtimeMillis}) or an outstanding consumed-once reference's deadline (in its
     * header {@code h}, if readable), whichever is later.
     */
    public static long keepsUntil(long mtimeMillis, Format.Header h) {
        return Math.max(mtimeMillis, h == null ? 0 : h.onceKeepsUntil());
    }

    /**
     * For a region released here while its lease runs: tries again when the lease ends, instead of leaving
     * the file (a whole message's arrays, for the serializers) to the next periodic sweep.
     */
    private static void deleteAtLeaseEnd(Store store, String name, long leaseEnd) {
        long left = leaseEnd - System.currentTimeMillis();
        Lease pending = LEASED.get(name);
        if (left < 0 || pending != null && pending.store() == store && pending.until() == leaseEnd) {
            // A reminder for that very time is pending: a region mapped and released a thousand times under an
            // hour's lease would otherwise leave a thousand of them. (Any other time gets its own reminder: the
            // time a region is kept until can move either way, as a consumed-once deadline ends early.)
            return;
        }
        Lease lease = new Lease(store, leaseEnd);
        LEASED.put(name, lease);
        schedule(() -> {
            LOCK.lock();
            try {
                sweepOne(store, name, DEFAULT_GRACE_MILLIS);
            } finally {
                LEASED.remove(name, lease); // after the sweep: a test waiting for the reminder sees it done
                LOCK.unlock();
            }
        }, left + 20);
    }

    /** Whether a reminder to delete region {@code name} at its lease end is pending in this process. */
    public static boolean deletionReminderPending(String name) {
        return LEASED.containsKey(name);
    }

    /** Tasks waiting on the sweeper thread (tests watch it for reminders that pile up). */
    static int pendingSweeperTasks() {
        synchronized (Regions.class) {
            return sweeper == null ? 0 : sweeper.getQueue().size();
        }
    }

    static void closeArena(Arena arena) {
        // A shared arena refuses to close while another thread is inside an access to it; such an access
        // only happens through a view already released, and ends at once with an exception.
        for (int attempt = 0; ; attempt++) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException e) {
                if (!arena.scope().isAlive() || attempt > 1000) {
                    return;
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Deletes the file open as {@code f} if no other descriptor holds it and its lease has run out. An
     * unsealed file (or one whose header cannot be read) must also be older than {@code graceMillis}. A
     * shared lock {@code f} holds is converted to the exclusive one in one step. If another descriptor holds
     * the file, {@code f} keeps the lock it had; otherwise it has none on return.
     *
     * @return whether the file was deleted
     */
    private static boolean deleteIfUnused(RegionFile f, Path file, long graceMillis, boolean checkSealed)
            throws IOException {
        return deleteOrSayWhy(f, file, graceMillis, checkSealed) == DELETED;
    }

    /** What {@link #deleteOrSayWhy} did: deleted the file, or left it to another holder, or kept it for a lease, pin or grace period. */
    private static final int DELETED = 1, HELD = -1, KEPT = 0;

    /** As {@link #deleteIfUnused}, saying why a file is not deleted: {@link #HELD} or {@link #KEPT}. */
    private static int deleteOrSayWhy(RegionFile f, Path file, long graceMillis, boolean checkSealed)
            throws IOException {
        // The usual case, a reference's lease still running (its end is the file's mtime), keeps the file
        // without taking and dropping the exclusive lock. Leases only ever grow, so even the time seen when
        // the file was opened cannot make this wrong, only late (a later release or sweep deletes the file).
        if (System.currentTimeMillis() < f.openedStat().mtimeMillis()) {
            return KEPT;
        }
        if (!f.tryLock(true)) {
            return HELD;
        }
        try {
            Native.Stat st = f.stat();
            if (!f.stillAt(file, st)) {
                return HELD; // renamed or deleted meanwhile: no longer this name's to keep or delete
            }
            // Read under the exclusive lock: nobody can issue a consumed-once ticket meanwhile (only holders do).
            Format.Header h = headerOrNull(f, st.size());
            long leaseEnd = keepsUntil(st.mtimeMillis(), h);
            long now = System.currentTimeMillis();
            boolean sealed = !checkSealed || (h != null && h.sealed());
            long deadline = sealed ? leaseEnd : Math.max(leaseEnd, st.mtimeMillis() + graceMillis);
            if (now < deadline || Pins.pinned(file.getParent(), file.getFileName().toString())
                    || (sealed && Store.isRetained(file.getParent()))) {
                return KEPT;
            }
            Files.deleteIfExists(file);
            return DELETED;
        } finally {
            f.unlock();
        }
    }

    /** The checked header of the file open as {@code f}, or null if it has none (too short, or damaged). */
    private static Format.Header headerOrNull(RegionFile f, long size) {
        try {
            return readHeader(f, f.path().getFileName().toString(), size);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The checked header of the region file open as {@code f}, of {@code size} bytes, read through the descriptor. */
    private static Format.Header readHeader(RegionFile f, String name, long size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Format.HEADER_SIZE, 8); // zeroed: a short file reads as too small
            f.read(buf, 0);
            return Format.readHeader(buf, size, name);
        }
    }

    // ---------------------------------------------------------------- sweep

    /**
     * Deletes every region file in the store that no process holds and whose lease has run out; unsealed
     * files must also be older than {@code graceMillis}. Safe to run at any time from any process.
     *
     * @return names of the regions deleted
     */
    public static List<String> sweep(Store store, long graceMillis) {
        Pins.dropExpired(store.directory());
        List<String> freed = new ArrayList<>();
        for (String name : store.regionNames()) {
            LOCK.lock();
            try {
                if (sweepOne(store, name, graceMillis)) {
                    freed.add(name);
                }
            } finally {
                LOCK.unlock();
            }
        }
        return freed;
    }

    /**
     * Deletes region {@code name} now if nothing keeps it (no holder, lease or pin): after an unpin, so that
     * the region goes at once rather than at the next sweep.
     */
    public static boolean deleteIfFree(Store store, String name) {
        LOCK.lock();
        try {
            return sweepOne(store, name, DEFAULT_GRACE_MILLIS);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Deletes region {@code name} now whatever its lease, pins or retention, unless a process (this one
     * included) holds it.
     *
     * @return whether it was deleted; false if it is held or already gone
     */
    public static boolean deleteUnheld(Store store, String name) {
        LOCK.lock();
        Path file = store.file(name);
        try (RegionFile f = RegionFile.open(file)) {
            if (heldHere(name) || !f.tryLock(true)) {
                return false;
            }
            if (!f.stillAt(file, f.stat())) {
                return false;
            }
            Files.deleteIfExists(file);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new StoreException("cannot delete region=/" + name + " store=" + store + " error=" + e, e);
        } finally {
            LOCK.unlock();
        }
    }

    /** The sweep of one file, under {@link #LOCK}: never one this process has open. */
    private static boolean sweepOne(Store store, String name, long graceMillis) {
        if (heldHere(name)) {
            return false;
        }
        Path file = store.file(name);
        try (RegionFile f = RegionFile.open(file)) {
            return deleteIfUnused(f, file, graceMillis, true);
        } catch (RegionFile.NotRegularFileException e) {
            // A link or a FIFO under a region's name: never followed, never locked, left for a person to see.
            log(System.Logger.Level.WARNING, "sweep skips a store entry that is not a region file: path=" + file
                    + " (" + e.getReason() + ")", null);
            return false;
        } catch (NoSuchFileException e) {
            return false; // another process freed it first
        } catch (IOException e) {
            log(System.Logger.Level.DEBUG, "sweep could not examine region=/" + name + " store=" + store, e);
            return false;
        }
    }

    /**
     * The header of region {@code name}: from the mapping if this process maps the region, else through a
     * descriptor of its own (which cannot disturb any lock, see {@link RegionFile}).
     *
     * @throws dev.grove.RegionCorruptException if the header is not valid
     */
    public static Format.Header header(Store store, String name) throws IOException {
        LOCK.lock();
        try {
            Region r = Region.TABLE.get(name);
            if (r != null && r.state() == Region.State.CREATING) {
                throw new dev.grove.RegionNotFoundException("region is being created: region=/" + name);
            }
            if (r != null) {
                MemorySegment mapped = r.segment();
                return Format.readHeader(mapped, mapped.byteSize(), name);
            }
            try (RegionFile f = RegionFile.open(store.file(name))) {
                return readHeader(f, name, f.stat().size());
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether this process has the file open: mapped, being created, or kept as a spare. Under {@link #LOCK}. */
    private static boolean heldHere(String name) {
        return Region.TABLE.containsKey(name);
    }

    /**
     * Deletes the released regions this process keeps for reuse in {@code store} (see {@link Spares}); they
     * would otherwise go after a few idle seconds.
     *
     * @return whether there were any
     */
    public static boolean dropSpares(Store store) {
        LOCK.lock();
        try {
            boolean warm = Warm.dropAll(store); // a kept mapping of a deleted file still holds its pages
            return Spares.dropAll(store) || warm;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Unmaps this process's kept mapping of region {@code name} ({@link Warm}), if any: for callers that
     * promise the region is unmapped here once their views are closed.
     */
    public static void dropKeptMapping(Store store, String name) {
        LOCK.lock();
        try {
            Warm.drop(store, name);
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether some process (this one included) holds a lock on the region file, asked of the kernel. */
    public static boolean isHeld(Store store, String name) {
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
    public static void checkHeld() {
        List<String> lost = new ArrayList<>();
        LOCK.lock();
        try {
            for (Region r : Region.TABLE.values()) {
                if (r.state() != Region.State.CREATING && !r.handle().holdsLock()) {
                    lost.add(r.toString());
                }
            }
        } finally {
            LOCK.unlock();
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

    /**
     * At a normal exit, gives up this process's holds and deletes the regions nobody else holds and no
     * lease protects, instead of leaving them to the next sweep. Mappings are left alone: other shutdown
     * hooks may still read them, and the kernel unmaps everything at exit anyway.
     */
    private static void releaseAllAtExit() {
        try {
            // Another thread may be in the middle of a release or a sweep. That takes microseconds, yet in fresh
            // JVMs shutting down right after a lease ended the wait was seen to pass a second (which thread held
            // the lock is not known yet): wait a while, and say so if it is not over, rather than leave silently.
            if (!LOCK.tryLock(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log(System.Logger.Level.WARNING, "exit left this process's regions to the next sweep or the reaper:"
                        + " another thread held the region lock for " + EXIT_WAIT_SECONDS + " s", null);
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        Set<Store> waiting = new java.util.HashSet<>();
        try {
            for (Region r : Region.TABLE.values()) {
                if (r.state() != Region.State.SEALED && r.state() != Region.State.WRITING && !Spares.inFlight(r)) {
                    continue; // spares are deleted below; a file being created is left to its grace period
                }
                try {
                    if (!deleteIfUnused(r.handle(), r.file(), 0, false)) {
                        waiting.add(r.store());
                    }
                } catch (IOException | RuntimeException e) {
                    log(System.Logger.Level.DEBUG, "exit left region=/" + r.name() + " to the sweep", e);
                }
            }
            Spares.deleteAllAtExit();
            LEASED.forEach((name, lease) -> {
                // A file already gone (deleted by another process, or its whole store removed) needs no reaper.
                if (!sweepOne(lease.store(), name, DEFAULT_GRACE_MILLIS) && Files.exists(lease.store().file(name))) {
                    waiting.add(lease.store());
                }
            });
        } finally {
            LOCK.unlock();
        }
        // Leases still run on regions this process released: nobody else may come to sweep them.
        if (Reaper.enabled()) {
            waiting.forEach(Reaper::start);
        }
    }

    /** Where the live holds on region {@code name} were taken (needs {@code -Dgrove.debug.holds=true}). */
    public static List<Throwable> holdOrigins(String name) {
        Region r = Region.TABLE.get(name);
        return r == null ? List.of() : r.liveHoldOrigins();
    }

    /** Names of the regions this process maps now (being written or sealed; spares are not regions). */
    public static List<String> mappedHere() {
        return mappedHere(null);
    }

    /** Names of the regions of {@code store} (any, if null) this process maps now. */
    public static List<String> mappedHere(Store store) {
        List<String> names = new ArrayList<>();
        Region.TABLE.forEach((name, r) -> {
            Region.State s = r.state();
            if ((store == null || r.store() == store) && (s == Region.State.WRITING || s == Region.State.SEALED)) {
                names.add(name);
            }
        });
        return names;
    }

    /** Sweeps every store this process has used, once at first use and then periodically. */
    private static void startSweeper(Store store) {
        if (!SWEPT.add(store.directory())) {
            return;
        }
        synchronized (Regions.class) {
            if (sweeper == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(Regions::releaseAllAtExit, "grove-exit"));
                sweeper = new java.util.concurrent.ScheduledThreadPoolExecutor(1, task -> {
                    Thread t = new Thread(task, "grove-sweeper");
                    t.setDaemon(true);
                    return t;
                });
            }
        }
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep(store, DEFAULT_GRACE_MILLIS);
            } catch (RuntimeException e) {
                log(System.Logger.Level.WARNING, "periodic sweep failed, retried next period: store=" + store, e);
            }
        }, 0, SWEEP_PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Runs {@code task} once on the sweeper thread after {@code delayMillis}; false if there is no sweeper yet. */
    static boolean schedule(Runnable task, long delayMillis) {
        synchronized (Regions.class) {
            if (sweeper != null) {
                sweeper.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                return true;
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void closeQuietly(Arena arena, RegionFile file) {
        if (arena != null && arena.scope().isAlive()) {
            closeArena(arena);
        }
        if (file != null) {
            file.close();
        }
    }

    /** Failures that must not propagate (exit, a sweep losing a race) are logged, never dropped. */
    static void log(System.Logger.Level level, String message, Throwable cause) {
        System.getLogger("dev.grove").log(level, message, cause);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left for the sweep.
        }
    }
}

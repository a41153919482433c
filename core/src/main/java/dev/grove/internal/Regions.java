package dev.grove.internal;

import dev.grove.GroveException;
import dev.grove.RegionNotFoundException;
import dev.grove.StaleReferenceException;
import dev.grove.StoreException;
import dev.grove.StoreFullException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * <p>POSIX record locks belong to the process and the kernel drops all of them on a file when the process
 * closes any descriptor of that file. So this class is the only place that opens region files, keeps one
 * channel per mapped region, and opens a second descriptor (for a sweep) only under {@link #LOCK} and only
 * for a file this process does not map.
 */
public final class Regions {
    /** Serialises opening, releasing and sweeping region files in this process. */
    static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, Region> MAPPED = new ConcurrentHashMap<>();
    /**
     * Regions this process is creating and has not registered in {@link #MAPPED} yet. A sweep in this
     * process must not open their files: closing its descriptor could drop the creator's fresh lock.
     */
    private static final Set<String> CREATING = ConcurrentHashMap.newKeySet();
    /** How long an unsealed file with no holders is left alone: its creator may be between create and lock. */
    public static final long DEFAULT_GRACE_MILLIS = 10_000;
    private static final long SWEEP_PERIOD_SECONDS = 60;
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    /** Regions released here while leased, by name: deleted when the lease ends, or at exit if it has. */
    private static final Map<String, Store> LEASED = new ConcurrentHashMap<>();
    private static ScheduledExecutorService sweeper;

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
    static Hold create(Store store, long size, boolean zeroBody) {
        startSweeper(store);
        String name = Store.newName();
        CREATING.add(name);
        try {
            Hold recycled = fromSpare(store, name, size, zeroBody);
            return recycled != null ? recycled : createFresh(store, name, size);
        } finally {
            CREATING.remove(name);
        }
    }

    private static Hold fromSpare(Store store, String name, long size, boolean zeroBody) {
        Spares.Taken t;
        LOCK.lock();
        try {
            t = Spares.take(store, name, size);
        } finally {
            LOCK.unlock();
        }
        if (t == null) {
            return null;
        }
        MemorySegment seg = t.segment();
        if (zeroBody) {
            seg.asSlice(Format.HEADER_SIZE).fill((byte) 0);
        }
        return register(store, name, t.channel(), t.lock(), t.arena(), seg);
    }

    private static Hold createFresh(Store store, String name, long size) {
        FileChannel ch = null;
        Arena arena = null;
        Path file = null;
        try {
            file = store.createFile(name);
            reserve(store, name, file, size);
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.lock(0, Long.MAX_VALUE, true);
            arena = Arena.ofShared();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            if (store.inMemory()) {
                Native.populateForWrite(seg);
            }
            return register(store, name, ch, lock, arena, seg);
        } catch (IOException | RuntimeException e) {
            closeQuietly(arena, ch);
            if (file != null) {
                deleteQuietly(file);
            }
            if (e instanceof GroveException ge) {
                throw ge;
            }
            throw new StoreException("cannot create region: region=/" + name + " store=" + store + " size=" + size
                    + " error=" + e, e);
        }
    }

    /** Writes the unsealed header of a new region and claims it for the writer. */
    private static Hold register(Store store, String name, FileChannel ch, FileLock lock, Arena arena,
                                 MemorySegment seg) {
        long id = Store.newId();
        Format.writeHeader(seg, 0, id, 0, 0);
        Region r = new Region(store, name, id, ch, lock, arena, seg);
        Hold writer = r.acquire();
        MAPPED.put(name, r);
        return writer;
    }

    /** Reserves the file's pages; a full store first gives back this process's spares there. */
    private static void reserve(Store store, String name, Path file, long size) {
        int err = Native.fallocate(file, size);
        if (err == Native.ENOSPC && dropSpares(store)) {
            err = Native.fallocate(file, size);
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
        MemorySegment seg = r.writable();
        int crc = checksum ? Format.bodyCrc(seg) : 0;
        r.root(root);
        Format.writeHeader(seg, Format.FLAG_SEALED | (checksum ? Format.FLAG_CHECKSUM : 0), r.id(), root, crc);
    }

    /**
     * Creates a region for {@code plan}, writes and seals it, and returns the creator's claim on it. If
     * anything fails, the claim is dropped and the file deleted.
     */
    public static Hold write(Store store, Encoder.Plan plan, boolean checksum) {
        Hold writer = create(store, plan.size());
        try {
            Region r = writer.region();
            seal(r, plan.writeTo(r.writable()), checksum);
            return writer;
        } catch (RuntimeException | Error e) {
            writer.run();
            throw e;
        }
    }

    /** A region holding one primitive array node whose payload the caller fills before sealing. */
    public record Writable(Hold hold, int tag, long node, MemorySegment payload) {
        /** Seals the region and hands over the writer's claim. */
        public Hold seal(boolean checksum) {
            Regions.seal(hold.region(), node, checksum);
            return hold;
        }
    }

    /** Creates a region with one array node of {@code bytes} payload bytes, zero-filled, unsealed. */
    public static Writable createArray(Store store, int tag, long bytes) {
        long node = Format.HEADER_SIZE;
        Hold writer = create(store, node + Format.NODE_HEADER + Format.align8(bytes), true);
        MemorySegment seg = writer.region().writable();
        seg.set(Format.U32, node, tag);
        seg.set(Format.U32, node + 4, 0);
        seg.set(Format.U64, node + 8, bytes);
        return new Writable(writer, tag, node, seg.asSlice(node + Format.NODE_HEADER, bytes));
    }

    // ---------------------------------------------------------------- map

    /**
     * Claims the region called {@code name}, mapping it if this process does not yet. A region already
     * mapped costs a table lookup.
     *
     * @param expectedId the region id a reference carries, or 0 to accept any
     */
    public static Hold open(Store store, String name, long expectedId) {
        Region r = MAPPED.get(name);
        if (r != null && r.store() == store) {
            Hold h = r.tryAcquire();
            if (h != null) {
                return checked(h, expectedId);
            }
        }
        startSweeper(store);
        LOCK.lock();
        try {
            r = MAPPED.get(name);
            if (r != null && r.state == Region.State.OPEN) {
                return checked(r.resurrect(), expectedId);
            }
            if (heldHere(name)) {
                // Never a second descriptor on a file this process has open: closing it drops our lock.
                throw notFound(store, name, "not sealed (being written here, or a released region kept for reuse)");
            }
            r = mapExisting(store, name);
            MAPPED.put(name, r);
            return checked(r.acquire(), expectedId);
        } finally {
            LOCK.unlock();
        }
    }

    /** Returns {@code h} if its region carries {@code expectedId} (or any id is fine); else releases it and throws. */
    private static Hold checked(Hold h, long expectedId) {
        Region r = h.region();
        if (expectedId != 0 && expectedId != r.id()) {
            h.run();
            throw new StaleReferenceException("region id mismatch (name reused or reference forged): region=/"
                    + r.name() + " reference.id=" + Long.toHexString(expectedId) + " region.id="
                    + Long.toHexString(r.id()));
        }
        return h;
    }

    private static Region mapExisting(Store store, String name) {
        Path file = store.file(name);
        if (!Files.exists(file)) {
            throw notFound(store, name, "no such region");
        }
        try {
            Store.checkOwnedAndPrivate(file, false);
        } catch (StoreException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw notFound(store, name, "no such region (freed while being mapped)");
            }
            throw e;
        }
        FileChannel ch = null;
        Arena arena = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // A region nobody holds and no lease protects is dead even before a sweep removes it: remove
            // it now, so that mapping it fails the same way whether or not a sweep ran.
            if (deleteIfUnused(ch, file, Long.MAX_VALUE / 2, true)) {
                throw notFound(store, name, "freed (no holder left and its lease ended)");
            }
            // Blocks only while a sweep holds the exclusive lock for the few microseconds it needs.
            FileLock lock = ch.lock(0, Long.MAX_VALUE, true);
            if (!Files.exists(file)) {
                throw notFound(store, name, "freed while being mapped");
            }
            long size = ch.size();
            arena = Arena.ofShared();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Format.Header h = Format.readHeader(seg, size, name);
            if (!h.sealed()) {
                throw notFound(store, name, "not sealed (still being written, or its writer died)");
            }
            Region r = new Region(store, name, h.id(), ch, lock, arena, seg);
            r.root(h.root());
            return r;
        } catch (NoSuchFileException e) {
            closeQuietly(arena, ch);
            throw notFound(store, name, "no such region");
        } catch (IOException e) {
            closeQuietly(arena, ch);
            throw new StoreException("cannot map region: region=/" + name + " store=" + store + " error=" + e, e);
        } catch (RuntimeException e) {
            closeQuietly(arena, ch);
            throw e;
        }
    }

    private static RegionNotFoundException notFound(Store store, String name, String why) {
        return new RegionNotFoundException(why + ": region=/" + name + " store=" + store);
    }

    // ---------------------------------------------------------------- release

    /** Called when a region's claim count reaches zero: unmap, unlock, and delete if nobody else holds it. */
    static void released(Region r) {
        LOCK.lock();
        try {
            if (r.holds() != 0 || r.state != Region.State.OPEN) {
                return;
            }
            r.state = Region.State.RELEASED;
            MAPPED.remove(r.name(), r);
            if (Spares.keep(r)) {
                return;
            }
            closeArena(r.arena());
            FileChannel ch = r.channel();
            try {
                r.lock().release();
                if (!deleteIfUnused(ch, r.file(), 0, false)) {
                    deleteAtLeaseEnd(r.store(), r.name());
                }
            } catch (IOException e) {
                // The file stays; the next sweep removes it once it is unused.
            } finally {
                closeQuietly(null, ch);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * For a region released here while its lease runs: tries again when the lease ends, instead of leaving
     * the file (a whole message's arrays, for the serializers) to the next periodic sweep.
     */
    private static void deleteAtLeaseEnd(Store store, String name) {
        long left;
        try {
            left = Files.getLastModifiedTime(store.file(name)).toMillis() - System.currentTimeMillis();
        } catch (IOException e) {
            return; // already gone
        }
        if (left >= 0) {
            LEASED.put(name, store);
            schedule(() -> {
                LOCK.lock();
                try {
                    LEASED.remove(name);
                    sweepOne(store, name, DEFAULT_GRACE_MILLIS);
                } finally {
                    LOCK.unlock();
                }
            }, left + 20);
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
     * Deletes the file behind {@code ch} if nobody holds it and its lease has run out. An unsealed file
     * (or one whose header cannot be read) must also be older than {@code graceMillis}.
     *
     * @return whether the file was deleted
     */
    private static boolean deleteIfUnused(FileChannel ch, Path file, long graceMillis, boolean checkSealed)
            throws IOException {
        FileLock exclusive;
        try {
            exclusive = ch.tryLock(0, Long.MAX_VALUE, false);
        } catch (OverlappingFileLockException e) {
            return false;
        }
        if (exclusive == null) {
            return false;
        }
        try {
            if (!Files.exists(file)) {
                return false;
            }
            long leaseEnd = Files.getLastModifiedTime(file).toMillis();
            long now = System.currentTimeMillis();
            boolean sealed = !checkSealed || isSealed(ch, file);
            long deadline = sealed ? leaseEnd : leaseEnd + graceMillis;
            if (now < deadline) {
                return false;
            }
            Files.deleteIfExists(file);
            return true;
        } finally {
            exclusive.release();
        }
    }

    private static boolean isSealed(FileChannel ch, Path file) {
        try {
            return readHeader(ch, file.getFileName().toString()).sealed();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The checked header of the region file behind {@code ch}, read through the channel. */
    private static Format.Header readHeader(FileChannel ch, String name) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Format.HEADER_SIZE);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // keep reading until the header is in, or the file ends (readHeader then reports it too small)
        }
        return Format.readHeader(MemorySegment.ofArray(b.array()), ch.size(), name);
    }

    // ---------------------------------------------------------------- leases

    // ---------------------------------------------------------------- sweep

    /**
     * Deletes every region file in the store that no process holds and whose lease has run out; unsealed
     * files must also be older than {@code graceMillis}. Safe to run at any time from any process.
     *
     * @return names of the regions deleted
     */
    public static List<String> sweep(Store store, long graceMillis) {
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

    /** The sweep of one file, under {@link #LOCK}: never one this process has open. */
    private static boolean sweepOne(Store store, String name, long graceMillis) {
        if (heldHere(name)) {
            return false;
        }
        Path file = store.file(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return deleteIfUnused(ch, file, graceMillis, true);
        } catch (IOException e) {
            return false; // vanished or unreadable: nothing to free here
        }
    }

    /**
     * The header of region {@code name}, read without disturbing this process's locks: from the mapping if
     * this process maps the region, else through a descriptor opened and closed under {@link #LOCK} (closing
     * a descriptor would drop this process's lock on a file it maps).
     *
     * @throws dev.grove.RegionCorruptException if the header is not valid
     */
    public static Format.Header header(Store store, String name) throws IOException {
        LOCK.lock();
        try {
            Region r = MAPPED.get(name);
            MemorySegment mapped = r != null ? r.segment() : Spares.segment(name);
            if (mapped != null) {
                return Format.readHeader(mapped, mapped.byteSize(), name);
            }
            if (CREATING.contains(name)) {
                throw new dev.grove.RegionNotFoundException("region is being created: region=/" + name);
            }
            try (FileChannel ch = FileChannel.open(store.file(name), StandardOpenOption.READ)) {
                return readHeader(ch, name);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether this process has the file open: mapped, being created, or kept as a spare. Under {@link #LOCK}. */
    private static boolean heldHere(String name) {
        return MAPPED.containsKey(name) || CREATING.contains(name) || Spares.contains(name);
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
            return Spares.dropAll(store);
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether some process (this one included) holds a shared lock on the region file. */
    public static boolean isHeld(Store store, String name) {
        LOCK.lock();
        try {
            if (heldHere(name)) {
                return true;
            }
            Path file = store.file(name);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = ch.tryLock(0, Long.MAX_VALUE, false);
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (IOException e) {
                return false;
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * At a normal exit, gives up this process's holds and deletes the regions nobody else holds and no
     * lease protects, instead of leaving them to the next sweep. Mappings are left alone: other shutdown
     * hooks may still read them, and the kernel unmaps everything at exit anyway.
     */
    private static void releaseAllAtExit() {
        try {
            // Another thread may be in the middle of a release or a sweep, which takes microseconds.
            if (!LOCK.tryLock(1, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        try {
            for (Region r : MAPPED.values()) {
                try {
                    r.lock().release();
                    deleteIfUnused(r.channel(), r.file(), 0, false);
                } catch (IOException | RuntimeException e) {
                    // Best effort at exit; the sweep covers whatever is left.
                }
            }
            Spares.deleteAllAtExit();
            LEASED.forEach((name, store) -> sweepOne(store, name, DEFAULT_GRACE_MILLIS));
        } finally {
            LOCK.unlock();
        }
    }

    /** Where the live holds on region {@code name} were taken (needs {@code -Dgrove.debug.holds=true}). */
    public static List<Throwable> holdOrigins(String name) {
        Region r = MAPPED.get(name);
        return r == null ? List.of() : r.liveHoldOrigins();
    }

    /** Names of the regions this process maps now. */
    public static List<String> mappedHere() {
        return List.copyOf(MAPPED.keySet());
    }

    /** Sweeps every store this process has used, once at first use and then periodically. */
    private static void startSweeper(Store store) {
        if (!SWEPT.add(store.directory())) {
            return;
        }
        synchronized (Regions.class) {
            if (sweeper == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(Regions::releaseAllAtExit, "grove-exit"));
                sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
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
                // A sweep that fails now is retried at the next period.
            }
        }, 0, SWEEP_PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Runs {@code task} once on the sweeper thread after {@code delayMillis}. */
    static void schedule(Runnable task, long delayMillis) {
        synchronized (Regions.class) {
            if (sweeper != null) {
                sweeper.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void closeQuietly(Arena arena, FileChannel ch) {
        if (arena != null && arena.scope().isAlive()) {
            closeArena(arena);
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing a channel we are abandoning: nothing useful to do with the error.
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left for the sweep.
        }
    }
}

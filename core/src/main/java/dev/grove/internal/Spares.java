package dev.grove.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Region files this process created, released, and keeps mapped for its next regions of a similar size.
 *
 * <p>Why: on tmpfs the kernel must allocate and zero every page of a new region before anything can be
 * copied into it, which costs several times the copy itself. A spare's pages are already allocated and
 * mapped here, so a region made from it costs about one copy. The pool is bounded in bytes
 * ({@code grove.recycle.bytes}, default 1 GiB, 0 turns recycling off, and never more than an eighth of the
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
 * <p>Everything here runs under {@link Regions#LOCK}.
 */
final class Spares {
    /** Smaller regions cost little to make fresh. */
    static final long MIN_BYTES = 1L << 20;

    private record Spare(Store store, String name, FileChannel channel, FileLock lock, Arena arena,
                         MemorySegment segment, long since) {
        long capacity() {
            return segment.byteSize();
        }
    }

    /** A spare taken for a new region: its file already renamed, its lock, channel and mapping kept. */
    record Taken(FileChannel channel, FileLock lock, Arena arena, MemorySegment segment) {
    }

    /** Oldest first. */
    private static final Map<String, Spare> SPARES = new LinkedHashMap<>();
    private static long bytes;
    private static long reused;

    private Spares() {
    }

    static long budget() {
        return Long.getLong("grove.recycle.bytes", 1L << 30);
    }

    static long idleMillis() {
        return Math.round(Double.parseDouble(System.getProperty("grove.recycle.seconds", "5")) * 1000);
    }

    static boolean contains(String name) {
        return SPARES.containsKey(name);
    }

    /** The mapping of spare {@code name}, or null. */
    static MemorySegment segment(String name) {
        Spare s = SPARES.get(name);
        return s == null ? null : s.segment();
    }

    /**
     * Turns a region this process just released into a spare, if it was created here, is large enough and
     * nobody else holds it. Called with the region's shared lock held.
     *
     * @return true if the spare now owns the region's channel, lock and mapping; false if the caller must
     *         unmap, unlock and delete as usual (the shared lock may have been released already)
     */
    static boolean keep(Region r) {
        MemorySegment seg = r.writable();
        long size = seg.byteSize();
        if (seg.isReadOnly() || !r.store().inMemory() || size < MIN_BYTES || !roomFor(r.store(), size)) {
            return false;
        }
        FileChannel ch = r.channel();
        Path from = r.file();
        Path to = null;
        try {
            r.lock().release();
            FileLock exclusive = ch.tryLock(0, Long.MAX_VALUE, false);
            if (exclusive == null) {
                return false; // another process maps it: it stays a region
            }
            String name = Store.newName();
            try {
                long now = System.currentTimeMillis();
                if (Files.getLastModifiedTime(from).toMillis() > now) {
                    return false; // a lease keeps it for a mapper yet to come
                }
                Format.writeHeader(seg, 0, 0, 0, 0);
                to = r.store().file(name);
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                // A sweep elsewhere spares an unheld unsealed file for a grace period counted from its mtime.
                Files.setLastModifiedTime(to, FileTime.fromMillis(now));
            } finally {
                exclusive.release();
            }
            FileLock shared = ch.lock(0, Long.MAX_VALUE, true);
            makeRoom(r.store(), size);
            SPARES.put(name, new Spare(r.store(), name, ch, shared, r.arena(), seg, System.currentTimeMillis()));
            bytes += size;
            Regions.schedule(Spares::dropIdle, idleMillis() + 50);
            return true;
        } catch (IOException | RuntimeException e) {
            if (to != null) {
                deleteQuietly(to);
            }
            return false;
        }
    }

    /**
     * Whether a spare of {@code size} bytes may be kept: within the budget, which is also at most an eighth
     * of the store, and only while the store stays at most three quarters full. Spares are invisible to
     * other processes, which can only see a full store; a small {@code /dev/shm} (64 MiB in a Docker
     * container) must not be filled with them.
     */
    private static boolean roomFor(Store store, long size) {
        long total = store.totalBytes();
        long free = store.freeBytes();
        return total > 0 && free >= total / 4 && size <= limit(store);
    }

    /** The most bytes of spares this process keeps for {@code store}. */
    private static long limit(Store store) {
        return Math.min(budget(), store.totalBytes() / 8);
    }

    /**
     * Takes the best-fitting spare of {@code store} for a region of {@code size} bytes (at most twice the
     * size, so a small region does not use up a large spare) and renames its file to {@code name}.
     *
     * @return the spare's channel, lock and mapping cut to {@code size}, or null if none fits (or the one
     *         that fitted could not be renamed, because a {@code grove gc} elsewhere deleted it)
     */
    static Taken take(Store store, String name, long size) {
        if (size < MIN_BYTES || SPARES.isEmpty()) {
            return null;
        }
        Spare best = null;
        for (Spare s : SPARES.values()) {
            if (s.store() == store && s.capacity() >= size && s.capacity() / 2 <= size
                    && (best == null || s.capacity() < best.capacity())) {
                best = s;
            }
        }
        if (best == null) {
            return null;
        }
        remove(best);
        try {
            Files.move(store.file(best.name()), store.file(name), StandardCopyOption.ATOMIC_MOVE);
            if (best.capacity() > size) {
                best.channel().truncate(size);
            }
            Files.setLastModifiedTime(store.file(name), FileTime.fromMillis(System.currentTimeMillis()));
            reused++;
            return new Taken(best.channel(), best.lock(), best.arena(), best.segment().asSlice(0, size));
        } catch (IOException | RuntimeException e) {
            // Under whichever name the file is now, nobody else can want it.
            discard(best, store.file(best.name()));
            deleteQuietly(store.file(name));
            return null;
        }
    }

    /** Deletes the spares unused for longer than the idle time. */
    static void dropIdle() {
        Regions.LOCK.lock();
        try {
            long cutoff = System.currentTimeMillis() - idleMillis();
            for (Spare s : List.copyOf(SPARES.values())) {
                if (s.since() <= cutoff) {
                    drop(s);
                }
            }
        } finally {
            Regions.LOCK.unlock();
        }
    }

    /**
     * Deletes every spare of {@code store}.
     *
     * @return whether any was deleted
     */
    static boolean dropAll(Store store) {
        boolean any = false;
        for (Spare s : List.copyOf(SPARES.values())) {
            if (s.store() == store) {
                drop(s);
                any = true;
            }
        }
        return any;
    }

    /** At exit: deletes the spare files but leaves the mappings, as {@link Regions} does for regions. */
    static void deleteAllAtExit() {
        for (Spare s : SPARES.values()) {
            try {
                s.lock().release();
                Files.deleteIfExists(s.store().file(s.name()));
            } catch (IOException | RuntimeException e) {
                // Best effort; the sweep elsewhere removes an unheld spare after the grace period.
            }
        }
    }

    private static void makeRoom(Store store, long size) {
        long budget = limit(store);
        Iterator<Spare> oldest = List.copyOf(SPARES.values()).iterator();
        while (bytes + size > budget && oldest.hasNext()) {
            drop(oldest.next());
        }
    }

    private static void remove(Spare s) {
        SPARES.remove(s.name());
        bytes -= s.capacity();
    }

    private static void drop(Spare s) {
        remove(s);
        discard(s, s.store().file(s.name()));
    }

    /** Unmaps and deletes: nobody else can hold a spare's file, and no reference names it. */
    private static void discard(Spare s, Path file) {
        Regions.closeArena(s.arena());
        try {
            s.lock().release();
        } catch (IOException | RuntimeException ignored) {
            // Closing the channel below drops the lock anyway.
        }
        deleteQuietly(file);
        try {
            s.channel().close();
        } catch (IOException ignored) {
            // Abandoning the descriptor: nothing else to do.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left to the sweep: an unsealed file without holders.
        }
    }

    /** How many regions this process has made from spares so far. */
    static long reused() {
        return reused;
    }

    /** Bytes of spares this process keeps now. */
    static long bytes() {
        return bytes;
    }

    /** Names of the spares this process keeps now. */
    static List<String> names() {
        return new ArrayList<>(SPARES.keySet());
    }
}

package dev.grove.internal;

import dev.grove.StoreException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Why a region file is deleted, and when: the keep rule, sweeps, the deleters, reminders at a lease's end, and
 * release at exit. This is the one file that answers "why was my region file deleted?".
 *
 * <p>Liveness across processes rests on file locks: every process that maps a region holds a shared
 * lock on its file for as long as the mapping lives; the kernel drops it when the process exits, however
 * it exits. A region file may be deleted only by someone holding an exclusive lock on it, which exists only
 * when nobody maps it. The file's modification time doubles as its lease: handing out a reference moves it
 * into the future, and nobody deletes the file before that time ({@link #keepsUntil(long, Format.Header)} also
 * counts an outstanding consumed-once reference's deadline). Beyond that, a pin, a retained store, or (for a
 * file not yet sealed) a grace period for its writer keeps a file.
 *
 * <p>The locks are open file description locks ({@link RegionFile}): they belong to the descriptor that
 * took them, so opening and closing other descriptors of a held file (a sweep, a listing, a checksum, in this
 * process or another) never drops them, and the lease time is set through the holding descriptor. With
 * {@code -Dgrove.debug.holds=true}, every region this process creates, recycles or leases is checked
 * against the kernel's own record of its locks ({@link Mapping#checkHeld}).
 */
final class Deletion {
    /** How long an unsealed file with no holders is left alone: its creator may be between create and lock. */
    static final long DEFAULT_GRACE_MILLIS = 10_000;

    private static final long SWEEP_PERIOD_SECONDS = 60;

    /** How long the exit waits for another thread's release or sweep before it leaves the rest to a sweep. */
    private static final long EXIT_WAIT_SECONDS = 5;

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
    static long keepsUntil(long mtimeMillis, Format.Header h) {
        return Math.max(mtimeMillis, h == null ? 0 : h.onceKeepsUntil());
    }

    /**
     * For a region released here while its lease runs: tries again when the lease ends, instead of leaving
     * the file (a whole message's arrays, for the serializers) to the next periodic sweep.
     */
    static void deleteAtLeaseEnd(StoreDir store, String name, long leaseEnd) {
        LocalRegions.PROCESS.reminders.remind(store, name, leaseEnd, (s, n) -> sweepOne(s, n, DEFAULT_GRACE_MILLIS));
    }

    /** The lease end the pending reminder for region {@code name} waits for, or -1 if none is pending. */
    static long reminderFor(String name) {
        return LocalRegions.PROCESS.reminders.pendingUntil(name);
    }

    /** Whether a reminder to delete region {@code name} at its lease end is pending in this process. */
    static boolean deletionReminderPending(String name) {
        return reminderFor(name) != -1;
    }

    /**
     * Deletes the file open as {@code f} if no other descriptor holds it and its lease has run out. An
     * unsealed file (or one whose header cannot be read) must also be older than {@code graceMillis}. A
     * shared lock {@code f} holds is converted to the exclusive one in one step. If another descriptor holds
     * the file, {@code f} keeps the lock it had; otherwise it has none on return.
     *
     * @return whether the file was deleted
     */
    static boolean deleteIfUnused(RegionFile f, Path file, long graceMillis, boolean checkSealed)
            throws IOException {
        return deleteOrSayWhy(f, file, graceMillis, checkSealed) == DELETED;
    }

    /** What {@link #deleteOrSayWhy} did: deleted the file, or left it to another holder, or kept it for a lease, pin or grace period. */
    static final int DELETED = 1, HELD = -1, KEPT = 0;

    /** As {@link #deleteIfUnused}, saying why a file is not deleted: {@link #HELD} or {@link #KEPT}. */
    static int deleteOrSayWhy(RegionFile f, Path file, long graceMillis, boolean checkSealed)
            throws IOException {
        // The usual case, a reference's lease still running (its end is the file's mtime), keeps the file
        // without taking and dropping the exclusive lock. Leases only ever grow, so even the time seen when
        // the file was opened cannot make this wrong, only late (a later release or sweep deletes the file).
        if (Clock.millis() < f.openedStat().mtimeMillis()) {
            return KEPT;
        }
        if (!lockAfterOtherChecks(f)) {
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
            long now = Clock.millis();
            boolean sealed = !checkSealed || (h != null && h.sealed());
            long deadline = sealed ? leaseEnd : Math.max(leaseEnd, st.mtimeMillis() + graceMillis);
            if (now < deadline || Pins.pinned(file.getParent(), file.getFileName().toString())
                    || (sealed && StoreDir.isRetained(file.getParent()))) {
                return KEPT;
            }
            Files.deleteIfExists(file);
            return DELETED;
        } finally {
            f.unlock();
        }
    }

    /**
     * Takes the exclusive lock on the file open as {@code f}, waiting for another process's check of the same file
     * to end first, but not for mappers.
     *
     * <p>Why wait: whoever finds the file held leaves its deletion to the holder. That is right for a mapper,
     * whose release checks again. A check under the exclusive lock (a sweep, another release, a mapper's first
     * look) may have read the pin or lease just given up by the caller, and would keep the file with nobody left
     * to delete it until the next periodic sweep (seen: a namespace variable unregistered while another
     * process's sweep looked at its region). Such a check lasts microseconds; the wait is bounded for a
     * checker that is stopped or starved (it holds this process's region lock meanwhile), and ends at once for
     * an interrupted thread.
     *
     * @return whether {@code f} now holds the exclusive lock; false if another descriptor holds the file still
     */
    private static boolean lockAfterOtherChecks(RegionFile f) throws IOException {
        long deadline = Clock.nanos() + CHECK_WAIT_NANOS;
        while (!f.tryLock(true)) {
            if (Clock.nanos() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (f.beingCheckedElsewhere()) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            } else if (f.lockedElsewhere()) {
                return false; // held shared: a mapper, whose release decides
            } // else the lock went between the two looks: try again
        }
        return true;
    }

    /** How long a deleter waits for another process's check of the same file (see {@link #lockAfterOtherChecks}). */
    private static final long CHECK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The checked header of the file open as {@code f}, or null if it has none (too short, or damaged). */
    private static Format.Header headerOrNull(RegionFile f, long size) {
        try {
            return readHeader(f, f.path().getFileName().toString(), size);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The checked header of the region file open as {@code f}, of {@code size} bytes, read through the descriptor. */
    static Format.Header readHeader(RegionFile f, String name, long size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Format.HEADER_SIZE, 8); // zeroed: a short file reads as too small
            f.read(buf, 0);
            return Format.readHeader(buf, size, name);
        }
    }

    /**
     * Deletes every region file in the store that no process holds and whose lease has run out; unsealed
     * files must also be older than {@code graceMillis}. Safe to run at any time from any process.
     *
     * @return names of the regions deleted
     */
    static List<String> sweep(StoreDir store, long graceMillis) {
        Pins.dropExpired(store.directory());
        List<String> freed = new ArrayList<>();
        for (String name : store.regionNames()) {
            LocalRegions.PROCESS.lock.lock();
            try {
                if (sweepOne(store, name, graceMillis)) {
                    freed.add(name);
                }
            } finally {
                LocalRegions.PROCESS.lock.unlock();
            }
        }
        return freed;
    }

    /**
     * Deletes region {@code name} now if nothing keeps it (no holder, lease or pin): after an unpin, so that
     * the region goes at once rather than at the next sweep.
     */
    static boolean deleteIfFree(StoreDir store, String name) {
        LocalRegions.PROCESS.lock.lock();
        try {
            return sweepOne(store, name, DEFAULT_GRACE_MILLIS);
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /**
     * Deletes region {@code name} now whatever its lease, pins or retention, unless a process (this one
     * included) holds it.
     *
     * @return whether it was deleted; false if it is held or already gone
     */
    static boolean deleteUnheld(StoreDir store, String name) {
        LocalRegions.PROCESS.lock.lock();
        Path file = store.file(name);
        try (RegionFile f = RegionFile.open(file)) {
            if (Mapping.heldHere(name) || !f.tryLock(true)) {
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
            LocalRegions.PROCESS.lock.unlock();
        }
    }

    /** The sweep of one file, under the region lock: never one this process has open. */
    private static boolean sweepOne(StoreDir store, String name, long graceMillis) {
        if (Mapping.heldHere(name)) {
            return false;
        }
        Path file = store.file(name);
        try (RegionFile f = RegionFile.open(file)) {
            return deleteIfUnused(f, file, graceMillis, true);
        } catch (RegionFile.NotRegularFileException e) {
            // A link or a FIFO under a region's name: never followed, never locked, left for a person to see.
            Housekeeping.log(System.Logger.Level.WARNING, "sweep skips a store entry that is not a region file: path=" + file
                    + " (" + e.getReason() + ")", null);
            return false;
        } catch (NoSuchFileException e) {
            return false; // another process freed it first
        } catch (IOException e) {
            Housekeeping.log(System.Logger.Level.DEBUG, "sweep could not examine region=/" + name + " store=" + store, e);
            return false;
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
            if (!LocalRegions.PROCESS.lock.tryLock(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                Housekeeping.log(System.Logger.Level.WARNING, "exit left this process's regions to the next sweep or the reaper:"
                        + " another thread held the region lock for " + EXIT_WAIT_SECONDS + " s", null);
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        Set<StoreDir> waiting = new java.util.HashSet<>();
        try {
            for (Region r : LocalRegions.PROCESS.table.values()) {
                if (r.state() != Region.State.SEALED && r.state() != Region.State.WRITING && !LocalRegions.PROCESS.spares.inFlight(r)) {
                    continue; // spares are deleted below; a file being created is left to its grace period
                }
                try {
                    if (!deleteIfUnused(r.handle(), r.file(), 0, false)) {
                        waiting.add(r.store());
                    }
                } catch (IOException | RuntimeException e) {
                    Housekeeping.log(System.Logger.Level.DEBUG, "exit left region=/" + r.name() + " to the sweep", e);
                }
            }
            LocalRegions.PROCESS.spares.deleteAllAtExit();
            LocalRegions.PROCESS.reminders.forEach((store, name) -> {
                // A file already gone (deleted by another process, or its whole store removed) needs no reaper.
                if (!sweepOne(store, name, DEFAULT_GRACE_MILLIS) && Files.exists(store.file(name))) {
                    waiting.add(store);
                }
            });
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
        // Leases still run on regions this process released: nobody else may come to sweep them.
        if (Reaper.enabled()) {
            waiting.forEach(Reaper::start);
        }
    }

    /** Sweeps every store this process has used, once at first use and then periodically. */
    static void startSweeper(StoreDir store) {
        if (!LocalRegions.PROCESS.swept.add(store.directory())) {
            return;
        }
        LocalRegions.PROCESS.housekeeping.start(Deletion::releaseAllAtExit);
        LocalRegions.PROCESS.housekeeping.every(SWEEP_PERIOD_SECONDS, () -> {
            try {
                sweep(store, DEFAULT_GRACE_MILLIS);
            } catch (RuntimeException e) {
                Housekeeping.log(System.Logger.Level.WARNING, "periodic sweep failed, retried next period: store=" + store, e);
            }
        });
    }

    private Deletion() {
    }
}

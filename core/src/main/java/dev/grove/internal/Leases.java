package dev.grove.internal;

import dev.grove.StoreException;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Leases: a region file's modification time is the moment before which nobody may delete it, even with
 * no holders, so that a reference in flight finds its region. Moving it is a read and a write; both run
 * under an exclusive lock on the store's {@value #LEASE_LOCK_FILE}, held for microseconds, so two
 * processes leasing at once cannot leave the shorter lease. The time is read and set through the
 * descriptor that holds the region, never by path.
 *
 * <p>Leases only ever grow, so a process that has set (or seen) a lease end knows the file is kept at least
 * that long, and a reference whose lease ends no later costs no system call. To make that the common case,
 * a lease is recorded a little longer than asked ({@link #headroom}): the references taken from a region in
 * the next second or two then cost a comparison.
 */
public final class Leases {
    /** The file in each store whose lock makes a lease update atomic. */
    public static final String LEASE_LOCK_FILE = ".grove-lease-lock";
    private static final long LOCK_WAIT_NANOS = 1_000_000_000L;

    private Leases() {
    }

    /**
     * Keeps the region file alive until at least {@code millis} from now even with no holders, by moving
     * its modification time forward (never backward). Reading and moving the time is one step for all
     * processes, under the store's lease lock, so that a shorter lease given at the same moment elsewhere
     * cannot overwrite a longer one.
     */
    public static void extend(Region r, long millis) {
        long until = Clock.millis() + millis;
        if (r.leaseKnownUntil() >= until) {
            return;
        }
        RegionFile file = r.handle();
        until += headroom(millis);
        RegionFile lockFile = leaseLock(r.store());
        try {
            // One thread of this process at a time: the lock belongs to the shared descriptor, not the thread.
            synchronized (lockFile) {
                boolean locked = waitForLock(lockFile);
                try {
                    long recorded = file.stat().mtimeMillis();
                    if (recorded < until) {
                        file.setModifiedTime(until);
                    }
                    r.leaseKnownUntil(Math.max(recorded, until));
                } finally {
                    if (locked) {
                        lockFile.unlock();
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot record lease: region=/" + r.name() + " store=" + r.store()
                    + " error=" + e, e);
        }
        Mapping.checkHeldIfDebugging(r);
    }

    /** How much longer than asked a lease is recorded: a sixteenth, at most two seconds. */
    static long headroom(long millis) {
        return Math.min(millis / 16, 2_000);
    }

    /**
     * Takes the lease lock, or gives up after a second: a process stopped while holding it (SIGSTOP, a
     * debugger) must not stop every other process from handing out references; they fall back to an
     * unlocked update.
     */
    private static boolean waitForLock(RegionFile lockFile) throws IOException {
        long deadline = Clock.nanos() + LOCK_WAIT_NANOS;
        for (;;) {
            if (lockFile.tryLock(true)) {
                return true;
            }
            if (Clock.nanos() > deadline) {
                return false;
            }
            LockSupport.parkNanos(20_000); // holders keep it for microseconds
        }
    }

    /** The store's lease lock file, opened once per process and kept open. */
    private static RegionFile leaseLock(StoreDir store) {
        return LocalRegions.PROCESS.leaseLocks.computeIfAbsent(store.directory(), dir -> store.lockFile(LEASE_LOCK_FILE, "lease lock file"));
    }
}

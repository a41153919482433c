package dev.grove.internal;

import dev.grove.StoreException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Leases: a region file's modification time is the moment before which nobody may delete it, even with
 * no holders, so that a reference in flight finds its region. Moving it is a read and a write; both run
 * under an exclusive lock on the store's {@value #LEASE_LOCK_FILE}, held for microseconds, so two
 * processes leasing at once cannot leave the shorter lease.
 */
public final class Leases {
    /** The file in each store whose lock makes a lease update atomic. */
    public static final String LEASE_LOCK_FILE = ".grove-lease-lock";
    private static final long LOCK_WAIT_NANOS = 1_000_000_000L;
    private static final Map<Path, FileChannel> LOCK_FILES = new ConcurrentHashMap<>();

    private Leases() {
    }

    /**
     * Keeps the region file alive until at least {@code millis} from now even with no holders, by moving
     * its modification time forward (never backward). Reading and moving the time is one step for all
     * processes, under the store's lease lock, so that a shorter lease given at the same moment elsewhere
     * cannot overwrite a longer one.
     */
    public static void extend(Region r, long millis) {
        Path file = r.file();
        long until = System.currentTimeMillis() + millis;
        FileChannel lockFile = leaseLock(r.store());
        try {
            // One thread of this process at a time: the JVM refuses a second lock on the file meanwhile.
            synchronized (lockFile) {
                FileLock lock = waitForLock(lockFile);
                try {
                    if (Files.getLastModifiedTime(file).toMillis() < until) {
                        Files.setLastModifiedTime(file, FileTime.fromMillis(until));
                    }
                } finally {
                    if (lock != null) {
                        lock.release();
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot record lease: region=/" + r.name() + " store=" + r.store()
                    + " error=" + e, e);
        }
    }

    /**
     * The lease lock, or null after a second: a process stopped while holding it (SIGSTOP, a debugger)
     * must not stop every other process from handing out references; they fall back to an unlocked update.
     */
    private static FileLock waitForLock(FileChannel lockFile) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
        for (;;) {
            FileLock lock = lockFile.tryLock();
            if (lock != null || System.nanoTime() > deadline) {
                return lock;
            }
            LockSupport.parkNanos(20_000); // holders keep it for microseconds
        }
    }

    /**
     * The store's lease lock file, opened once per process and never closed: closing a descriptor would
     * drop this process's locks on the file.
     */
    private static FileChannel leaseLock(Store store) {
        return LOCK_FILES.computeIfAbsent(store.directory(), dir -> {
            Path f = dir.resolve(LEASE_LOCK_FILE);
            FileChannel ch = null;
            try {
                ch = FileChannel.open(f, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Store.checkOwnedAndPrivate(f, false);
                return ch;
            } catch (IOException | RuntimeException e) {
                if (ch != null) {
                    try {
                        ch.close(); // no lock is held on it yet
                    } catch (IOException ignored) {
                        // Abandoning it either way.
                    }
                }
                if (e instanceof StoreException se) {
                    throw se;
                }
                throw new StoreException("cannot open the lease lock: path=" + f + " error=" + e, e);
            }
        });
    }
}

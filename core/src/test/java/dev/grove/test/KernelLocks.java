package dev.grove.test;

import dev.grove.SharedObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The kernel's side of "this region is held": file locks as {@code /proc/locks} and {@code /proc/PID/fdinfo}
 * list them, read without asking Grove anything. Tests assert holds with these, not with Grove's own
 * bookkeeping, which is exactly what was wrong when a lease silently dropped the holder's lock.
 */
public final class KernelLocks {
    private KernelLocks() {
    }

    /** The inode of {@code file}, or -1 if it does not exist. */
    public static long inode(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether any process holds any lock on {@code file}, by {@code /proc/locks}. */
    public static boolean lockedByAnyone(Path file) {
        return locksOn(file) > 0;
    }

    /** How many locks {@code /proc/locks} lists on {@code file}, read at once (0 if the file does not exist). */
    public static int locksOn(Path file) {
        long ino = inode(file);
        if (ino < 0) {
            return 0;
        }
        try {
            int n = 0;
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 6 && !w[1].equals("->") && w[5].endsWith(":" + ino)) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a descriptor of process {@code pid} that is open on {@code file} holds a lock on it (false once
     * the process is gone).
     */
    public static boolean lockedBy(long pid, Path file) {
        long ino = inode(file);
        if (ino < 0) {
            return false;
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                for (String line : readOrEmpty(proc.resolve("fdinfo").resolve(fd.getFileName()))) {
                    String[] w = line.trim().split("\\s+");
                    if (w[0].equals("lock:") && w.length >= 7 && w[6].endsWith(":" + ino)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false; // the process has ended
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many descriptors of process {@code pid} are open on the file with inode {@code ino} (whether or not
     * it still has a name), by {@code /proc/PID/fd}.
     */
    public static int descriptorsOn(long pid, long ino) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (((Number) Files.getAttribute(fd, "unix:ino")).longValue() == ino) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile, or not a file
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.List<String> readOrEmpty(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return java.util.List.of(); // the descriptor was closed meanwhile
        }
    }

    /** Whether this process holds a lock on the region file behind {@code view}. */
    public static boolean heldHere(SharedObject view) {
        return lockedBy(ProcessHandle.current().pid(), RegionFiles.fileOf(view));
    }

    /** Fails unless this process holds a lock on the region behind {@code view}, saying {@code when}. */
    public static void assertHeldHere(SharedObject view, String when) {
        Path file = RegionFiles.fileOf(view);
        if (!lockedBy(ProcessHandle.current().pid(), file)) {
            throw new AssertionError("the kernel lists no lock of this process on " + file + " " + when
                    + " (any process: " + lockedByAnyone(file) + ")");
        }
    }
}

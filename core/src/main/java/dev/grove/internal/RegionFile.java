package dev.grove.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One descriptor of a file in a store, and everything Grove does with it: open file description locks,
 * times, size, space reservation and mapping, all on this descriptor.
 *
 * <p>Locks taken here belong to this descriptor alone: closing any other descriptor of the same file,
 * in this process or elsewhere, leaves them in place, and two descriptors of this process conflict with
 * each other just as two processes do. So a sweep, a listing or a checksum may open a region file that
 * this process maps without disturbing the mapping's lock. Files are opened without following symbolic
 * links and without blocking (a FIFO named like a region cannot stall a reader), and anything but a regular
 * file is refused.
 */
final class RegionFile implements AutoCloseable {
    private static final int FILE_MODE = 0600;

    private final Path path;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RegionFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Creates {@code file} exclusively (mode 0600) and opens it read-write.
     *
     * @throws FileAlreadyExistsException if the name is taken
     * @throws NativeIOException          with {@code errno} (ENOSPC when the file system has no inode left)
     */
    static RegionFile create(Path file) throws IOException {
        int fd = Native.open(file, Native.O_RDWR | Native.O_CREAT | Native.O_EXCL | Native.O_NOFOLLOW
                | Native.O_CLOEXEC, FILE_MODE);
        if (fd < 0) {
            throw error("create", file, -fd);
        }
        return new RegionFile(file, fd);
    }

    /**
     * Opens an existing regular file read-write, without following a symbolic link and without blocking.
     *
     * @throws NoSuchFileException if there is no such file
     * @throws NotRegularFileException if it is a symbolic link, a FIFO, a directory or anything but a file
     */
    static RegionFile open(Path file) throws IOException {
        int fd = Native.open(file, Native.O_RDWR | Native.O_NOFOLLOW | Native.O_NONBLOCK | Native.O_CLOEXEC, 0);
        if (fd < 0) {
            throw error("open", file, -fd);
        }
        RegionFile f = new RegionFile(file, fd);
        try {
            f.opened = f.stat();
            if (!f.opened.isRegularFile()) {
                throw new NotRegularFileException(file, "not a regular file");
            }
            return f;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static IOException error(String call, Path file, int errno) {
        return switch (errno) {
            case Native.ENOENT -> new NoSuchFileException(file.toString());
            case Native.EEXIST -> new FileAlreadyExistsException(file.toString());
            // O_NOFOLLOW on a symbolic link. (A FIFO or device opens, and is refused after fstat.)
            case Native.ELOOP -> new NotRegularFileException(file, "symbolic link");
            default -> new NativeIOException(call, file, errno);
        };
    }

    /** The path this file was opened under (it may have been renamed since). */
    Path path() {
        return path;
    }

    Native.Stat stat() throws IOException {
        return Native.stat(fd);
    }

    /** What {@link #stat()} said when {@link #open} opened the file (a created file: asked now). */
    Native.Stat openedStat() throws IOException {
        return opened != null ? opened : stat();
    }

    /** Set by {@link #open}: the file's type, owner and mode, checked once per open. */
    private Native.Stat opened;

    /**
     * Takes (or converts this descriptor's lock to) a shared or exclusive lock on the whole file, if no other
     * descriptor holds a conflicting one. A failed conversion leaves the lock this descriptor had.
     */
    boolean tryLock(boolean exclusive) throws IOException {
        int r = Native.lock(fd, Native.F_OFD_SETLK, exclusive ? Native.F_WRLCK : Native.F_RDLCK);
        if (r == -Native.EAGAIN) {
            return false;
        }
        check("fcntl(F_OFD_SETLK)", r);
        return true;
    }

    /** As {@link #tryLock} but waits for conflicting locks to go. */
    void lock(boolean exclusive) throws IOException {
        check("fcntl(F_OFD_SETLKW)", Native.lock(fd, Native.F_OFD_SETLKW, exclusive ? Native.F_WRLCK : Native.F_RDLCK));
    }

    /** Gives up this descriptor's lock, if it has one. */
    void unlock() throws IOException {
        check("fcntl(F_OFD_SETLK unlock)", Native.lock(fd, Native.F_OFD_SETLK, Native.F_UNLCK));
    }

    /** Whether a descriptor other than this one (in any process, this one included) holds any lock on the file. */
    boolean lockedElsewhere() throws IOException {
        int t = Native.conflictingLock(fd, Native.F_WRLCK);
        check("fcntl(F_OFD_GETLK)", Math.min(t, 0));
        return t != Native.F_UNLCK;
    }

    /**
     * Whether another descriptor holds the exclusive lock on the file: another process (or this one) deciding
     * whether to delete or recycle it, for the few microseconds that takes. Mappers hold shared locks.
     */
    boolean beingCheckedElsewhere() throws IOException {
        int t = Native.conflictingLock(fd, Native.F_RDLCK);
        check("fcntl(F_OFD_GETLK)", Math.min(t, 0));
        return t == Native.F_WRLCK;
    }

    /** Sets the file's modification time through this descriptor. */
    void setModifiedTime(long millis) throws IOException {
        check("futimens", Native.setModifiedTime(fd, millis));
    }

    void truncate(long length) throws IOException {
        check("ftruncate", Native.truncate(fd, length));
    }

    /**
     * Reserves {@code [0, length)}.
     *
     * @return 0, or the error number (ENOSPC when the store is full)
     */
    int allocate(long length) {
        return Native.allocate(fd, length);
    }

    /** Maps {@code [0, size)} shared, writable or read-only; unmapped when {@code arena} closes. */
    MemorySegment map(long size, boolean writable, Arena arena) throws IOException {
        int[] errno = new int[1];
        MemorySegment seg = Native.map(fd, size, writable, arena, errno);
        if (seg == null) {
            throw new NativeIOException("mmap", path, errno[0]);
        }
        return seg;
    }

    /** Maps {@code [0, size)} copy-on-write: writable, but writes stay in this process. */
    MemorySegment mapPrivate(long size, Arena arena) throws IOException {
        int[] errno = new int[1];
        MemorySegment seg = Native.map(fd, size, true, true, arena, errno);
        if (seg == null) {
            throw new NativeIOException("mmap", path, errno[0]);
        }
        return seg;
    }

    /** Reads {@code dst.byteSize()} bytes at {@code offset}, or fewer where the file ends; returns the count. */
    long read(MemorySegment dst, long offset) throws IOException {
        long n = Native.read(fd, dst, offset);
        check("pread", (int) Math.min(n, 0));
        return n;
    }

    /**
     * Whether {@code path} still names the file this descriptor has open (not deleted, not replaced);
     * {@code opened} is this descriptor's {@link #stat()}, which callers have at hand.
     */
    boolean stillAt(Path p, Native.Stat opened) throws IOException {
        long ino = Native.inode(p);
        if (ino == -Native.ENOENT) {
            return false;
        }
        if (ino < 0) {
            throw new NativeIOException("statx", p, (int) -ino);
        }
        return ino == opened.inode();
    }

    /** The descriptor number. */
    int fd() {
        return fd;
    }

    /**
     * Whether the kernel lists a lock held by this descriptor ({@code /proc/self/fdinfo}): the kernel's side
     * of "this process holds the file", independent of anything Grove remembers.
     */
    boolean holdsLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("lock:")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // no such descriptor any more: it holds nothing
        }
    }

    /** Closes the descriptor (dropping its lock); later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.close(fd);
        }
    }

    private void check(String call, int result) throws IOException {
        if (result < 0) {
            throw new NativeIOException(call, path, -result);
        }
    }

    /** A failed system call on a store file, with its error number. */
    static final class NativeIOException extends FileSystemException {
        private static final long serialVersionUID = 1L;
        final int errno;

        NativeIOException(String call, Path file, int errno) {
            super(file.toString(), null, call + " failed: errno=" + errno);
            this.errno = errno;
        }
    }

    /** A store entry that is a symbolic link, FIFO, directory or device instead of a regular file. */
    static final class NotRegularFileException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        NotRegularFileException(Path file, String what) {
            super(file.toString(), null, what);
        }
    }
}

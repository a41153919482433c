package dev.grove.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc calls Grove makes on store files itself instead of through {@code FileChannel}.
 *
 * <p>Why not the JDK: {@code FileChannel.lock} takes POSIX record locks, which belong to the process and
 * vanish when <em>any</em> descriptor of the file is closed in it (setting a file's time by path does that
 * behind the scenes). Grove's liveness rests on those locks, so region files are opened here, locked with
 * open file description locks ({@code F_OFD_*}, Linux 3.15+, owned by the descriptor that took them), have
 * their times set on that descriptor, and are mapped from it. Every method returns the raw result or
 * {@code -errno}; {@link RegionFile} turns them into exceptions.
 */
final class Native {
    static final int ENOENT = 2, EINTR = 4, EAGAIN = 11, EACCES = 13, EEXIST = 17, ENOSPC = 28, ELOOP = 40,
            EDQUOT = 122;

    static final int O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    /** Differs between architectures (octal 0400000 on x86-64, 0100000 on the arm64 and generic ABI). */
    static final int O_NOFOLLOW = Config.x86() ? 0x20000 : 0x8000;

    static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2;
    private static final int AT_EMPTY_PATH = 0x1000, STATX_BASIC_STATS = 0x7ff, AT_FDCWD = -100,
            AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    /** Linux 5.14+: fault in and map every page of a range now, writable. */
    private static final int MADV_POPULATE_WRITE = 23;

    /** {@code struct flock} on 64-bit Linux. */
    private static final StructLayout FLOCK = MemoryLayout.structLayout(
            JAVA_SHORT.withName("l_type"), JAVA_SHORT.withName("l_whence"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("l_start"), JAVA_LONG.withName("l_len"), JAVA_INT.withName("l_pid"),
            MemoryLayout.paddingLayout(4));
    private static final VarHandle L_TYPE = FLOCK.varHandle(MemoryLayout.PathElement.groupElement("l_type"));
    /** {@code struct statx} is the same on every architecture (unlike {@code struct stat}): 256 bytes. */
    private static final long STATX_SIZE = 256, STX_NLINK = 16, STX_UID = 20, STX_MODE = 28, STX_INO = 32, STX_SIZE = 40,
            STX_MTIME = 112;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> ERRNO_SLOT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /**
     * Each libc function is linked on first use, in its own holder class: linking a downcall costs a few
     * milliseconds and a megabyte or two of heap in a fresh JVM, and mapping a region needs only four of
     * the twelve (a fresh JVM's first {@code map} is what users of short-lived workers wait for).
     */
    private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow(name), descriptor, options);
    }

    private static final class Open {
        static final MethodHandle H = link("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    }

    private static final class Close {
        static final MethodHandle H = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Fcntl {
        static final MethodHandle H = link("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    }

    private static final class Futimens {
        static final MethodHandle H = link("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Ftruncate {
        static final MethodHandle H = link("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Fallocate {
        static final MethodHandle H = link("posix_fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static final class Statx {
        static final MethodHandle H = link("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Mmap {
        static final MethodHandle H = link("mmap",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Munmap {
        static final MethodHandle H = link("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static final class Pread {
        static final MethodHandle H = link("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    private static final class Madvise {
        static final MethodHandle H = link("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class Getuid {
        static final MethodHandle H = link("getuid", FunctionDescriptor.of(JAVA_INT));
    }

    private Native() {
    }

    /** What {@code statx} tells of a file. */
    record Stat(int uid, int mode, long inode, long size, long mtimeMillis, int links) {
        static final int S_IFMT = 0xF000, S_IFREG = 0x8000;

        boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        /** The permission bits, such as 0600. */
        int permissions() {
            return mode & 0777;
        }
    }

    private static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    private static IllegalStateException linkFailure(String call, Throwable t) {
        return new IllegalStateException("native call failed: call=" + call, t);
    }

    /** {@code open(2)}: a descriptor, or {@code -errno}. */
    static int open(Path file, int flags, int mode) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Open.H.invokeExact(slot, arena.allocateFrom(file.toString()), flags, mode);
            return fd >= 0 ? fd : -errno(slot);
        } catch (Throwable t) {
            throw linkFailure("open", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) Close.H.invokeExact(fd);
        } catch (Throwable t) {
            throw linkFailure("close", t);
        }
    }

    /**
     * An open file description lock over the whole file ({@code type} {@link #F_RDLCK}, {@link #F_WRLCK} or
     * {@link #F_UNLCK}); {@code cmd} {@link #F_OFD_SETLK} (try) or {@link #F_OFD_SETLKW} (wait).
     *
     * @return 0, or {@code -errno} ({@code -EAGAIN} when another description holds a conflicting lock)
     */
    static int lock(int fd, int cmd, short type) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fl = arena.allocate(FLOCK); // zeroed: SEEK_SET, start 0, length 0 = to the end, pid 0
            L_TYPE.set(fl, 0L, type);
            for (;;) {
                int r = (int) Fcntl.H.invokeExact(slot, fd, cmd, fl);
                if (r == 0) {
                    return 0;
                }
                int e = errno(slot);
                if (e != EINTR) {
                    return -(e == EACCES ? EAGAIN : e);
                }
            }
        } catch (Throwable t) {
            throw linkFailure("fcntl", t);
        }
    }

    /**
     * {@code F_OFD_GETLK}: the type of a lock some other open file description holds that would conflict
     * with {@code type}, or {@link #F_UNLCK} if none would; {@code -errno} on failure.
     */
    static int conflictingLock(int fd, short type) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fl = arena.allocate(FLOCK);
            L_TYPE.set(fl, 0L, type);
            int r = (int) Fcntl.H.invokeExact(slot, fd, F_OFD_GETLK, fl);
            return r == 0 ? (short) L_TYPE.get(fl, 0L) : -errno(slot);
        } catch (Throwable t) {
            throw linkFailure("fcntl", t);
        }
    }

    /** Sets the modification time (the access time is left alone); 0 or {@code -errno}. */
    static int setModifiedTime(int fd, long millis) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(JAVA_LONG, 4);
            times.setAtIndex(JAVA_LONG, 1, UTIME_OMIT);
            times.setAtIndex(JAVA_LONG, 2, Math.floorDiv(millis, 1000));
            times.setAtIndex(JAVA_LONG, 3, Math.floorMod(millis, 1000) * 1_000_000L);
            int r = (int) Futimens.H.invokeExact(slot, fd, times);
            return r == 0 ? 0 : -errno(slot);
        } catch (Throwable t) {
            throw linkFailure("futimens", t);
        }
    }

    static int truncate(int fd, long length) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) Ftruncate.H.invokeExact(slot, fd, length);
            return r == 0 ? 0 : -errno(slot);
        } catch (Throwable t) {
            throw linkFailure("ftruncate", t);
        }
    }

    /**
     * Reserves {@code [0, length)} of the file, so a full tmpfs fails here instead of as a SIGBUS later.
     *
     * @return 0, or the (positive) error number {@code posix_fallocate} returns instead of setting errno
     */
    static int allocate(int fd, long length) {
        try {
            return (int) Fallocate.H.invokeExact(fd, 0L, length);
        } catch (Throwable t) {
            throw linkFailure("posix_fallocate", t);
        }
    }

    /**
     * The file behind {@code fd}, from {@code statx}. (Reading {@code /proc/self/fd/N} through the JDK
     * instead spares a fresh JVM one downcall link, about 10 ms once, but made every {@code ref()} 2.8 times
     * slower: 5.9 µs against 2.1 µs in {@code MapBenchmark}.)
     *
     * @throws IllegalStateException only if the native call itself fails
     */
    static Stat stat(int fd) throws java.io.IOException {
        int[] errno = new int[1];
        Stat st = statx(fd, "", AT_EMPTY_PATH, errno);
        if (st == null) {
            throw new java.io.IOException("statx failed: fd=" + fd + " errno=" + errno[0]);
        }
        return st;
    }

    /**
     * What {@code path} names (a link itself, not what it points to), or null when nothing has that name:
     * one {@code statx}, where the JDK's {@code Files.getLastModifiedTime} throws two exceptions for a
     * missing file (several microseconds, on a path that runs for every message).
     */
    static Stat stat(java.nio.file.Path path) throws java.io.IOException {
        int[] errno = new int[1];
        Stat st = statx(AT_FDCWD, path.toString(), AT_SYMLINK_NOFOLLOW, errno);
        if (st == null && errno[0] != ENOENT) {
            throw new java.io.IOException("statx failed: path=" + path + " errno=" + errno[0]);
        }
        return st;
    }

    /** {@code statx} of {@code path} relative to {@code dirFd}; null on failure, with {@code errnoOut[0]} set. */
    private static Stat statx(int dirFd, String path, int flags, int[] errnoOut) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int r = (int) Statx.H.invokeExact(slot, dirFd, arena.allocateFrom(path), flags, STATX_BASIC_STATS, buf);
            if (r != 0) {
                errnoOut[0] = errno(slot);
                return null;
            }
            long mtime = buf.get(JAVA_LONG, STX_MTIME) * 1000 + buf.get(JAVA_INT, STX_MTIME + 8) / 1_000_000;
            return new Stat(buf.get(JAVA_INT, STX_UID), Short.toUnsignedInt(buf.get(JAVA_SHORT, STX_MODE)),
                    buf.get(JAVA_LONG, STX_INO), buf.get(JAVA_LONG, STX_SIZE), mtime,
                    buf.get(JAVA_INT, STX_NLINK));
        } catch (Throwable t) {
            throw linkFailure("statx", t);
        }
    }

    /**
     * The inode {@code path} names (a link itself, not what it points to), or {@code -errno} ({@code -ENOENT}
     * when nothing has that name): one {@code statx}, without the JDK's attribute machinery, for the check
     * every cold map makes that a name still leads to the file it opened.
     */
    static long inode(java.nio.file.Path path) {
        int[] errno = new int[1];
        Stat st = statx(AT_FDCWD, path.toString(), AT_SYMLINK_NOFOLLOW, errno);
        return st == null ? -errno[0] : st.inode();
    }

    /**
     * Maps {@code [0, size)} of the file, shared; the mapping is undone when {@code arena} closes. A mapping
     * without write access is returned read-only, so no code path can fault on a write.
     *
     * @return the mapping, or null with {@code errnoOut[0]} set
     */
    static MemorySegment map(int fd, long size, boolean writable, Arena arena, int[] errnoOut) {
        return map(fd, size, writable, false, arena, errnoOut);
    }

    /**
     * As {@link #map(int, long, boolean, Arena, int[])}; with {@code copyOnWrite}, a private mapping: writes
     * go to this process's own copies of the pages they touch, never to the file or to anyone else.
     */
    static MemorySegment map(int fd, long size, boolean writable, boolean copyOnWrite, Arena arena, int[] errnoOut) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long addr = (long) Mmap.H.invokeExact(slot, 0L, size, PROT_READ | (writable ? PROT_WRITE : 0),
                    copyOnWrite ? MAP_PRIVATE : MAP_SHARED, fd, 0L);
            if (addr == -1L) {
                errnoOut[0] = errno(slot);
                return null;
            }
            MemorySegment seg = MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> unmap(addr, size));
            return writable ? seg : seg.asReadOnly();
        } catch (Throwable t) {
            throw linkFailure("mmap", t);
        }
    }

    private static void unmap(long addr, long size) {
        try {
            int ignored = (int) Munmap.H.invokeExact(addr, size);
        } catch (Throwable t) {
            throw linkFailure("munmap", t);
        }
    }

    /** Reads up to {@code dst.byteSize()} bytes at {@code offset}; the count read, or {@code -errno}. */
    static long read(int fd, MemorySegment dst, long offset) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long done = 0;
            while (done < dst.byteSize()) {
                long n = (long) Pread.H.invokeExact(slot, fd, dst.asSlice(done), dst.byteSize() - done, offset + done);
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    int e = errno(slot);
                    if (e == EINTR) {
                        continue;
                    }
                    return -e;
                }
                done += n;
            }
            return done;
        } catch (Throwable t) {
            throw linkFailure("pread", t);
        }
    }

    /**
     * Maps every page of a fresh writable mapping in one system call. Filling a region then costs the
     * copy alone instead of one page fault per 4 KiB page (about a third less time on this VM's tmpfs).
     * Only a speed-up: failure (an older kernel) changes nothing.
     */
    static void populateForWrite(MemorySegment mapping) {
        try {
            int ignored = (int) Madvise.H.invokeExact(mapping, mapping.byteSize(), MADV_POPULATE_WRITE);
        } catch (Throwable t) {
            // Pages are then faulted in as the copy touches them.
        }
    }

    /**
     * {@code madvise} over the pages that hold {@code range} (widened to page boundaries, which stay inside
     * the mapping it belongs to).
     *
     * @return 0, or -1 if the kernel refused the advice (an older kernel that lacks it, say)
     */
    static int advise(MemorySegment range, int advice) {
        long addr = range.address();
        long start = addr & ~4095L;
        long length = range.byteSize() + (addr - start);
        if (length == 0) {
            return 0;
        }
        try {
            return (int) Madvise.H.invokeExact(MemorySegment.ofAddress(start), length, advice);
        } catch (Throwable t) {
            throw linkFailure("madvise", t);
        }
    }

    /** The uid this process runs as, read from /proc without a native call (cheaper to start). */
    static int uid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            try {
                return (int) Getuid.H.invokeExact();
            } catch (Throwable t) {
                throw linkFailure("getuid", t);
            }
        }
    }
}

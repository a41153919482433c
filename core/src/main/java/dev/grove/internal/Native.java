package dev.grove.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls Grove needs and the JDK does not offer: reserving a file's blocks
 * ({@code posix_fallocate}, so a full tmpfs fails here instead of as a SIGBUS later) and the
 * caller's uid (to check who owns the store).
 */
public final class Native {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle GETUID;
    private static final MethodHandle MADVISE;
    /** Linux 5.14+: fault in and map every page of a range now, writable. */
    private static final int MADV_POPULATE_WRITE = 23;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        OPEN = linker.downcallHandle(libc.findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        FALLOCATE = linker.downcallHandle(libc.findOrThrow("posix_fallocate"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
        GETUID = linker.downcallHandle(libc.findOrThrow("getuid"), FunctionDescriptor.of(JAVA_INT));
        MADVISE = linker.downcallHandle(libc.findOrThrow("madvise"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private Native() {
    }

    /** errno value of ENOSPC on Linux. */
    public static final int ENOSPC = 28;

    /**
     * Reserves {@code [0, length)} of an existing file.
     *
     * @return 0 on success, otherwise the error number posix_fallocate reported
     */
    public static int fallocate(Path file, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(file.toString());
            int fd = (int) OPEN.invokeExact(cPath, O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                return -1;
            }
            try {
                // posix_fallocate returns the error number itself instead of setting errno.
                return (int) FALLOCATE.invokeExact(fd, 0L, length);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("posix_fallocate downcall failed for " + file, t);
        }
    }

    /**
     * Maps every page of a fresh writable mapping in one system call. Filling a region then costs the
     * copy alone instead of one page fault per 4 KiB page (about a third less time on this VM's tmpfs).
     * Only a speed-up: failure (an older kernel) changes nothing.
     */
    public static void populateForWrite(MemorySegment mapping) {
        try {
            int ignored = (int) MADVISE.invokeExact(mapping, mapping.byteSize(), MADV_POPULATE_WRITE);
        } catch (Throwable t) {
            // Pages are then faulted in as the copy touches them.
        }
    }

    /** The uid this process runs as, read from /proc without a native call (cheaper to start). */
    public static int uid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            try {
                return (int) GETUID.invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("cannot tell this process's uid", t);
            }
        }
    }
}

package dev.grove.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's counters of this process's I/O, from {@code /proc/self/io}: what tests measure reads and writes by. */
public final class ProcIo {
    private ProcIo() {
    }

    /**
     * One counter, such as {@code rchar} and {@code wchar} (bytes through read- and write-family calls,
     * sockets and pipes included) or {@code write_bytes} (bytes sent to storage).
     *
     * @throws AssertionError if the kernel reports no such counter
     */
    public static long counter(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith(name + ":")) {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no " + name + " in /proc/self/io");
    }
}

package dev.grove.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which processes hold a region file, as the kernel reports it ({@code /proc/locks}): the kit's checks of
 * holds do not ask Grove, and its messages name the process that still holds a region.
 */
final class Holders {
    private Holders() {
    }

    /** The pids with a lock on {@code file} (open file description locks included), empty if none or unknown. */
    static List<Long> of(Path file) {
        List<Long> pids = new ArrayList<>();
        try {
            long ino = ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // "1: OFDLCK ADVISORY READ -1 00:1a:1234 0 EOF" (OFD locks have pid -1) or a POSIX/FLOCK line with a pid
                String[] w = line.trim().split("\\s+");
                if (w.length >= 6 && w[5].endsWith(":" + ino)) {
                    long pid = Long.parseLong(w[4]);
                    if (pid > 0) {
                        pids.add(pid);
                    } else {
                        pids.addAll(ofdHolders(ino));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the file went away: nothing known
        }
        return pids.stream().distinct().toList();
    }

    /** OFD locks name no process in {@code /proc/locks}; each holder's {@code /proc/PID/fdinfo} does. */
    private static List<Long> ofdHolders(long ino) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try (var fds = Files.list(p.resolve("fdinfo"))) {
                    for (Path fd : fds.toList()) {
                        for (String l : Files.readAllLines(fd)) {
                            String[] w = l.trim().split("\\s+");
                            if (w[0].equals("lock:") && w.length >= 7 && w[6].endsWith(":" + ino)) {
                                pids.add(Long.parseLong(p.getFileName().toString()));
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // another user's process, or it exited
                }
            }
        }
        return pids;
    }

    /** The holders of {@code file} as {@code pid 123 (java -cp ... Main)}, or {@code no process}. */
    static String describe(Path file) {
        List<Long> pids = of(file);
        if (pids.isEmpty()) {
            return "no process (nothing holds it: a lease or a pin keeps it, or it awaits a sweep)";
        }
        List<String> out = new ArrayList<>();
        for (long pid : pids) {
            String cmd;
            try {
                cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ').trim();
            } catch (IOException e) {
                cmd = "?";
            }
            // The start (the program) and the end (a JVM's main class and arguments) say who it is.
            out.add("pid " + pid + " (" + (cmd.length() > 200 ? cmd.substring(0, 60) + " ... "
                    + cmd.substring(cmd.length() - 120) : cmd) + ")");
        }
        return String.join(", ", out);
    }
}

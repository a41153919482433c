package dev.grove.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which processes hold a region file, as the kernel reports it ({@code /proc/locks}): the kit's checks of
 * holds do not ask Grove, and its messages name the process that still holds a region.
 */
final class Holders {
    private Holders() {
    }

    /** The pids with a lock on {@code file} (open file description locks included), empty if none or unknown. */
    static List<Long> of(Path file) {
        return of(file, locks());
    }

    private static List<Long> of(Path file, Map<Long, List<Long>> locks) {
        try {
            long ino = ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            return locks.getOrDefault(ino, List.of());
        } catch (IOException | RuntimeException e) {
            return List.of(); // the file went away: nothing known
        }
    }

    /**
     * Every lock holder on this machine, read once: inode to the pids that hold a lock on it. OFD locks show pid
     * -1 in {@code /proc/locks}; each holder's {@code /proc/PID/fdinfo} names them, so those are looked up there.
     */
    private static Map<Long, List<Long>> locks() {
        Map<Long, List<Long>> out = new HashMap<>();
        try {
            boolean anyOfd = false;
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // "1: OFDLCK ADVISORY READ -1 00:1a:1234 0 EOF" (OFD locks have pid -1) or a POSIX/FLOCK line with a pid
                String[] w = line.trim().split("\\s+");
                if (w.length >= 6 && !w[1].equals("->")) {
                    long pid = Long.parseLong(w[4]);
                    if (pid > 0) {
                        add(out, inode(w[5]), pid);
                    } else {
                        anyOfd = true;
                    }
                }
            }
            if (anyOfd) {
                ofdHolders(out);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing known
        }
        return out;
    }

    private static long inode(String devAndInode) {
        return Long.parseLong(devAndInode.substring(devAndInode.lastIndexOf(':') + 1));
    }

    private static void add(Map<Long, List<Long>> locks, long ino, long pid) {
        List<Long> pids = locks.computeIfAbsent(ino, k -> new ArrayList<>());
        if (!pids.contains(pid)) {
            pids.add(pid);
        }
    }

    private static void ofdHolders(Map<Long, List<Long>> locks) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                try (var fds = Files.list(p.resolve("fdinfo"))) {
                    for (Path fd : fds.toList()) {
                        for (String l : Files.readAllLines(fd)) {
                            String[] w = l.trim().split("\\s+");
                            if (w[0].equals("lock:") && w.length >= 7 && w[2].equals("OFDLCK")) {
                                add(locks, inode(w[6]), pid);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // another user's process, or it exited
                }
            }
        }
    }

    /** The holders of {@code file} as {@code pid 123 (java -cp ... Main)}, or {@code no process}. */
    static String describe(Path file) {
        return describe(of(file));
    }

    /** The holders of each file, described as {@link #describe(Path)} does, from one reading of the kernel's locks. */
    static Map<Path, String> describeAll(List<Path> files) {
        Map<Long, List<Long>> locks = locks();
        Map<Path, String> out = new HashMap<>();
        for (Path f : files) {
            out.put(f, describe(of(f, locks)));
        }
        return out;
    }

    private static String describe(List<Long> pids) {
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

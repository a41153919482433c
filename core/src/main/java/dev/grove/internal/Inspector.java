package dev.grove.internal;

import dev.grove.GroveException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Diagnostics over a store: what {@code grove ls} and {@code grove inspect} print. */
public final class Inspector {
    private Inspector() {
    }

    /** One region file as listed: sizes and times from its header and file, holders from the kernel's lock records. */
    public record Entry(String name, long size, String state, List<Long> holderPids, boolean held,
                        long ageMillis, long leaseLeftMillis, int pins) {
        /**
         * Whether a sweep would delete it now: nobody holds it, no lease or pin protects it, and it is sealed
         * (files being written or kept for reuse are spared for a grace period, which this does not judge).
         */
        public boolean reclaimable() {
            return !held && leaseLeftMillis == 0 && pins == 0 && (state.equals("sealed") || state.equals("corrupt"));
        }
    }

    public static List<Entry> list(StoreDir store) {
        List<Entry> out = new ArrayList<>();
        LockTable locks = LockTable.read(store);
        long now = Clock.millis();
        java.util.Map<String, Integer> pins = new java.util.HashMap<>();
        for (Pins.Pin p : Pins.all(store.directory())) {
            if (p.activeAt(now)) {
                pins.merge(p.region(), 1, Integer::sum);
            }
        }
        for (String name : store.regionNames()) {
            Path f = store.file(name);
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    // Never followed or opened; listed so that a person sees what does not belong here.
                    out.add(new Entry(name, 0, a.isSymbolicLink() ? "invalid:symlink" : "invalid:not-a-file",
                            List.of(), false, 0, 0, 0));
                    continue;
                }
                long size = a.size();
                long mtime = a.lastModifiedTime().toMillis();
                Object inode = Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                String state;
                long created = mtime;
                long keep = mtime;
                try {
                    Format.Header h = Mapping.header(store, name);
                    keep = Deletion.keepsUntil(mtime, h);
                    // Id 0 marks a released region its creator keeps mapped for reuse (see Spares).
                    state = h.sealed() ? "sealed" : h.id() == 0 ? "spare" : "writing";
                    created = h.createdMillis();
                } catch (dev.grove.RegionNotFoundException e) {
                    state = "writing";
                } catch (GroveException e) {
                    state = "corrupt";
                }
                List<Long> pids = locks.holders(((Number) inode).longValue());
                out.add(new Entry(name, size, state, pids, !pids.isEmpty() || Mapping.isHeld(store, name),
                        now - created, Math.max(0, keep - now), pins.getOrDefault(name, 0)));
            } catch (IOException e) {
                // Deleted while listing.
            }
        }
        return out;
    }

    /**
     * Who holds which store file, from the kernel: {@code /proc/locks} names the holder of a POSIX lock (older
     * Grove versions) but shows -1 for an open file description lock, so for those each process's descriptors
     * into the store are looked up in {@code /proc/PID/fd} and their locks in {@code /proc/PID/fdinfo}. For
     * diagnostics only: processes of other users are not visible to everyone.
     */
    public static final class LockTable {
        /** {inode, pid} pairs. */
        private final List<long[]> entries;

        private LockTable(List<long[]> entries) {
            this.entries = entries;
        }

        /** The holders of every file in {@code store}. */
        public static LockTable read(StoreDir store) {
            List<long[]> e = new ArrayList<>();
            boolean anyOfd = false;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                    // "1: POSIX  ADVISORY  READ 1234 00:1a:5678 0 EOF" or "2: OFDLCK ADVISORY  READ -1 00:1a:5678 0 EOF"
                    String[] w = line.trim().split("\\s+");
                    if (w.length >= 6 && w[1].equals("POSIX")) {
                        e.add(new long[] {inode(w[5]), Long.parseLong(w[4])});
                    }
                    anyOfd |= w.length >= 6 && w[1].equals("OFDLCK");
                }
            } catch (IOException | RuntimeException ignored) {
                // No /proc/locks: holders are shown as held / not held only.
            }
            if (anyOfd) {
                descriptorLocks(store.directory().toString() + "/", e);
            }
            return new LockTable(e);
        }

        private static long inode(String devAndInode) {
            String[] dev = devAndInode.split(":");
            return Long.parseLong(dev[dev.length - 1]);
        }

        private static void descriptorLocks(String storePrefix, List<long[]> out) {
            try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    long pid = Long.parseLong(proc.getFileName().toString());
                    try (var fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                        for (Path fd : fds) {
                            if (!Files.readSymbolicLink(fd).toString().startsWith(storePrefix)) {
                                continue;
                            }
                            for (String line : Files.readAllLines(proc.resolve("fdinfo").resolve(fd.getFileName()))) {
                                String[] w = line.trim().split("\\s+");
                                if (w[0].equals("lock:") && w.length >= 7) {
                                    out.add(new long[] {inode(w[6]), pid});
                                }
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // The process ended, or is not ours to look at.
                    }
                }
            } catch (IOException ignored) {
                // No /proc: nothing more to learn.
            }
        }

        /** The pids holding a lock on the file with {@code inode}, each once. */
        public List<Long> holders(long inode) {
            List<Long> pids = new ArrayList<>();
            for (long[] e : entries) {
                if (e[0] == inode && !pids.contains(e[1])) {
                    pids.add(e[1]);
                }
            }
            return pids;
        }
    }

    /** The node tree at {@code n}, one line a node, down to {@code depth} levels and {@code width} children each. */
    public static void tree(Node n, int depth, int width, StringBuilder out) {
        tree(n, "", depth, width, out);
    }

    private static void tree(Node n, String indent, int depth, int width, StringBuilder out) {
        int tag = n.tag();
        out.append(indent).append(n.path()).append("  ").append(Format.tagName(tag));
        if (!Format.isScalar(tag) && tag != Format.STRING) {
            out.append(" count=").append(n.count());
        }
        if (tag == Format.TABLE || tag == Format.MATRIX) {
            out.append(" rows=").append(n.rows()).append(" cols=").append(n.cols());
        }
        if (tag == Format.MATRIX) {
            out.append(" element=").append(n.elementType().javaName());
        }
        out.append(" bytes=").append(n.length()).append(" offset=").append(n.offset()).append('\n');
        if (depth <= 0 || !(tag == Format.LIST || tag == Format.MAP || tag == Format.TABLE)) {
            return;
        }
        Node names = tag == Format.LIST ? null : n.names();
        long shown = Math.min(n.count(), width);
        for (long i = 0; i < shown; i++) {
            String label = names == null ? "" : " \"" + names.string(i, n.path()) + "\"";
            Node c = n.child(i, n.path() + "[" + i + "]");
            if (c == null) {
                out.append(indent).append("  ").append(n.path()).append('[').append(i).append("]").append(label)
                        .append("  null\n");
            } else {
                if (!label.isEmpty()) {
                    out.append(indent).append("  #").append(label.trim()).append('\n');
                }
                tree(c, indent + "  ", depth - 1, width, out);
            }
        }
        if (shown < n.count()) {
            out.append(indent).append("  ... ").append(n.count() - shown).append(" more\n");
        }
    }
}

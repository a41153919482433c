package dev.grove.internal;

import dev.grove.GroveException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Diagnostics over a store: what {@code grove ls} and {@code grove inspect} print. */
public final class Inspector {
    private Inspector() {
    }

    /** One region file as listed: sizes and times from its header and file, holders from /proc/locks. */
    public record Entry(String name, long size, String state, List<Long> holderPids, boolean held,
                        long ageMillis, long leaseLeftMillis) {
    }

    public static List<Entry> list(Store store) {
        List<Entry> out = new ArrayList<>();
        LockTable locks = LockTable.read();
        long now = System.currentTimeMillis();
        for (String name : store.regionNames()) {
            Path f = store.file(name);
            try {
                long size = Files.size(f);
                long mtime = Files.getLastModifiedTime(f).toMillis();
                Object inode = Files.getAttribute(f, "unix:ino");
                String state;
                long created = mtime;
                try {
                    Format.Header h = Regions.header(store, name);
                    // Id 0 marks a released region its creator keeps mapped for reuse (see Spares).
                    state = h.sealed() ? "sealed" : h.id() == 0 ? "spare" : "writing";
                    created = h.createdMillis();
                } catch (dev.grove.RegionNotFoundException e) {
                    state = "writing";
                } catch (GroveException e) {
                    state = "corrupt";
                }
                List<Long> pids = locks.readers(((Number) inode).longValue());
                out.add(new Entry(name, size, state, pids, !pids.isEmpty() || Regions.isHeld(store, name),
                        now - created, Math.max(0, mtime - now)));
            } catch (IOException e) {
                // Deleted while listing.
            }
        }
        return out;
    }

    /** Shared locks per inode, from /proc/locks: who holds what, for diagnostics only. */
    static final class LockTable {
        private final List<long[]> entries;

        private LockTable(List<long[]> entries) {
            this.entries = entries;
        }

        static LockTable read() {
            List<long[]> e = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                    // "1: POSIX  ADVISORY  READ 1234 00:1a:5678 0 EOF"
                    String[] w = line.trim().split("\\s+");
                    if (w.length >= 6 && w[1].equals("POSIX") && w[3].equals("READ")) {
                        String[] dev = w[5].split(":");
                        e.add(new long[] {Long.parseLong(dev[dev.length - 1]), Long.parseLong(w[4])});
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // No /proc/locks: holders are shown as held / not held only.
            }
            return new LockTable(e);
        }

        List<Long> readers(long inode) {
            List<Long> pids = new ArrayList<>();
            for (long[] e : entries) {
                if (e[0] == inode) {
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

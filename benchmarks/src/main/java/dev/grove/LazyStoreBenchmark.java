package dev.grove;

import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Opening a collection of N objects and reading one (issue: the lazy store), side by side in one run, for
 * N = 10, 100, 1,000 and 10,000 objects of 1,024 doubles (8 KiB): a {@link LazyStore} (open reads the index,
 * {@code get} maps one file); one file holding all objects, deserialized whole (the {@code .RData} way mlazy
 * improves on); LMDB through lmdbjava (open the environment, a read transaction, one {@code get}). Each
 * measurement is a fresh open in this warm JVM with the files in the page cache, median of 51 after 50. Then a scan of
 * a stored 1 GiB {@code double[]} against the same scan of a heap array, pages cached.
 *
 * <p>Run with {@code bin/bench --class dev.grove.LazyStoreBenchmark}.
 */
public final class LazyStoreBenchmark {
    private static final int DOUBLES = 1024;

    private LazyStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("benchmarks/target/lazy-bench").toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        System.out.printf(Locale.ROOT, "%8s %22s %22s %22s%n", "objects", "LazyStore open+get", "one file, whole",
                "LMDB open+txn+get");
        for (int n : new int[] {10, 100, 1_000, 10_000}) {
            Path lazy = root.resolve("lazy-" + n);
            Path whole = root.resolve("whole-" + n + ".bin");
            Path lmdb = root.resolve("lmdb-" + n);
            build(n, lazy, whole, lmdb);
            String key = "o" + (n / 2);
            double lz = median(() -> {
                try (LazyStore s = LazyStore.open(lazy)) {
                    return ((SharedDoubleArray) s.get(key)).getDouble(7);
                }
            });
            double wh = median(() -> {
                try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(whole)))) {
                    @SuppressWarnings("unchecked")
                    Map<String, double[]> all = (Map<String, double[]>) in.readObject();
                    return all.get(key)[7];
                }
            });
            double lm = median(() -> {
                try (Env<ByteBuffer> env = Env.create().setMapSize(1L << 30).setMaxDbs(1).open(lmdb.toFile())) {
                    Dbi<ByteBuffer> db = env.openDbi("objects"); // before the read transaction: it opens its own
                    try (Txn<ByteBuffer> txn = env.txnRead()) {
                        ByteBuffer v = db.get(txn, keyOf(key));
                        return v.order(ByteOrder.LITTLE_ENDIAN).getDouble(7 * 8);
                    }
                }
            });
            System.out.printf(Locale.ROOT, "%8d %19.3f ms %19.3f ms %19.3f ms   (LazyStore/LMDB %.2fx)%n", n, lz, wh, lm,
                    lz / lm);
        }
        scan(root.resolve("big"));
        deleteTree(root);
    }

    private static void build(int n, Path lazy, Path whole, Path lmdb) throws Exception {
        Map<String, double[]> all = new HashMap<>();
        try (LazyStore s = LazyStore.open(lazy)) {
            for (int i = 0; i < n; i++) {
                double[] d = new double[DOUBLES];
                java.util.Arrays.fill(d, i);
                s.put("o" + i, d);
                all.put("o" + i, d);
            }
            s.commit();
        }
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(whole)))) {
            out.writeObject(all);
        }
        Files.createDirectories(lmdb);
        try (Env<ByteBuffer> env = Env.create().setMapSize(1L << 30).setMaxDbs(1).open(lmdb.toFile())) {
            Dbi<ByteBuffer> db = env.openDbi("objects", DbiFlags.MDB_CREATE);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (Map.Entry<String, double[]> e : all.entrySet()) {
                    ByteBuffer v = ByteBuffer.allocateDirect(DOUBLES * 8).order(ByteOrder.LITTLE_ENDIAN);
                    v.asDoubleBuffer().put(e.getValue());
                    db.put(txn, keyOf(e.getKey()), v);
                }
                txn.commit();
            }
        }
    }

    private static ByteBuffer keyOf(String k) {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length);
        buf.put(b).flip();
        return buf;
    }

    interface Work {
        double run() throws Exception;
    }

    /** Median milliseconds of 51 runs after 50 warm-ups. */
    private static double median(Work w) throws Exception {
        double sink = 0;
        for (int i = 0; i < 50; i++) {
            sink += w.run();
        }
        double[] t = new double[51];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            sink += w.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        if (Double.isNaN(sink)) {
            throw new AssertionError();
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    /** A stored 1 GiB double[] scanned from a lazy store against a heap array, both warm. */
    private static void scan(Path dir) throws Exception {
        int n = 1 << 27;
        double[] heap = new double[n];
        for (int i = 0; i < n; i++) {
            heap[i] = i & 1023;
        }
        try (LazyStore s = LazyStore.open(dir)) {
            s.put("big", heap);
            s.commit();
            SharedDoubleArray v = s.get("big");
            double a = 0;
            double b = 0;
            double[] th = new double[5];
            double[] tv = new double[5];
            for (int r = 0; r < 5; r++) {
                long t0 = System.nanoTime();
                a += Sums.sum(heap);
                th[r] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                b += Sums.sum(v);
                tv[r] = (System.nanoTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(th);
            java.util.Arrays.sort(tv);
            System.out.printf(Locale.ROOT, "scan of a 1 GiB double[], pages cached: heap %.0f ms, LazyStore view %.0f ms"
                    + " (%.2fx the heap's speed; sums %s)%n", th[2], tv[2], th[2] / tv[2], a == b ? "equal" : "DIFFER");
        }
    }

    private static void deleteTree(Path p) throws Exception {
        if (Files.exists(p)) {
            try (Stream<Path> all = Files.walk(p)) {
                for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}

package dev.grove;

import dev.grove.fory.ForyBridge;
import dev.grove.fory.GroveSerializers;
import dev.grove.parallel.Margin;
import dev.grove.parallel.MemshareExamples;
import dev.grove.parallel.Parallel;
import dev.grove.parallel.WorkerPool;
import dev.grove.parallel.Workers;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The fan-out headline (mori's motivating case): W warm worker JVMs each need the same dataset (5 columns of
 * ROWS doubles, 200 MB by default), sent four ways over the same pipes: a plain Fory copy, a plain java.io
 * copy, Grove's automatic sharing (the Fory bridge) and a Grove shared view (Fory with Grove's serializers).
 * Two workloads: <em>delivery</em> (each worker reads every value once) and mori's <em>bootstrap</em> of
 * column means (resampled rows: compute-bound). For each, side by side in one run: bytes on the wire per
 * worker, elapsed time (from the parent starting to encode or share until every worker has answered), and
 * the total memory of the workers as the sum of their {@code Pss} in {@code /proc/PID/smaps_rollup} (shared
 * pages counted once: the parent no longer maps them then), against the same sum with every worker warm and
 * holding nothing (the baseline). Each way runs on its own fresh, warmed workers. Writes the table and
 * an SVG chart. Then memshare's example (1) on threads and on 2 and W worker JVMs, warm.
 *
 * <p>Run with {@code bin/fanout [WORKERS] [ROWS] [WAYS]} (WAYS: the ways' numbers to run, default 0123, or
 * {@code memshare} for memshare's example alone).
 */
public final class FanOut {
    private static final int COLS = 5;
    private static final int BOOTSTRAP_ROUNDS = 3;
    private static final String[] WAYS = {"Fory copy", "java.io copy", "Grove Fory bridge", "Grove shared view"};
    private static final String[] WORKLOADS = {"delivery", "bootstrap"};
    private static final int RELEASE = 99;

    private FanOut() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            worker();
            return;
        }
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
        double[][] data = dataset(rows);
        System.out.printf(Locale.ROOT, "%d worker JVMs on %d cores; dataset %d columns x %,d rows = %d MB%n", workers,
                Runtime.getRuntime().availableProcessors(), COLS, rows, (long) COLS * rows * 8 >> 20);
        if (args.length > 2 && args[2].equals("memshare")) {
            memshareExample(workers); // only memshare's example, without the fan-out
            return;
        }
        ThreadSafeFory fory = FORY;
        double[][] small = dataset(200_000);
        Result[][] results = new Result[WORKLOADS.length][WAYS.length];
        long[] baselines = new long[WAYS.length];
        // Each way gets its own W fresh workers, warmed on a small dataset first (as mori's daemons are warm),
        // so that no way inherits heaps another way's copies grew.
        String only = args.length > 2 ? args[2] : "0123"; // which ways to run, by number
        for (int way = 0; way < WAYS.length; way++) {
            if (only.indexOf('0' + way) < 0) {
                results[0][way] = results[1][way] = new Result(0, 0, 0);
                continue;
            }
            List<Worker> ws = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                ws.add(new Worker());
            }
            try {
                for (int round = 0; round < 3; round++) {
                    for (int load = 0; load < WORKLOADS.length; load++) {
                        run(ws, fory, small, way, load);
                    }
                }
                baselines[way] = totalPss(ws);
                for (int load = 0; load < WORKLOADS.length; load++) {
                    results[load][way] = run(ws, fory, data, way, load);
                }
            } finally {
                for (Worker w : ws) {
                    w.close(); // also after a failure: no worker outlives the run
                }
            }
        }
        System.out.printf(Locale.ROOT, "workers' Pss when warm and holding nothing: %s MB in all (%d MB each)%n",
                java.util.Arrays.stream(baselines).mapToObj(b -> Long.toString(b >> 20)).toList(),
                (baselines[0] / workers) >> 20);
        System.out.printf(Locale.ROOT, "%-10s %-18s %14s %10s %16s %16s%n", "workload", "way", "wire/worker",
                "elapsed", "workers' Pss", "above baseline");
        for (int load = 0; load < WORKLOADS.length; load++) {
            for (int way = 0; way < WAYS.length; way++) {
                Result r = results[load][way];
                System.out.printf(Locale.ROOT, "%-10s %-18s %,12d B %8.2f s %,13d MB %,13d MB%n", WORKLOADS[load],
                        WAYS[way], r.wireBytes, r.seconds, r.pss >> 20, (r.pss - baselines[way]) >> 20);
            }
        }
        SENDERS.shutdown();
        Path svg = Path.of(System.getProperty("fanout.svg", "docs/fanout.svg"));
        Files.createDirectories(svg.toAbsolutePath().getParent());
        Files.writeString(svg, chart(results, baselines, workers, rows));
        System.out.println("chart: " + svg);
        memshareExample(workers);
        // The last shared views' leases (the default minute) still run: wait them out rather than leave files.
        RegionStore.defaultStore().awaitEmpty(java.time.Duration.ofSeconds(75));
    }

    /** Encodes and sends the messages: the same warm threads (and so the same Fory instances) every run. */
    private static final java.util.concurrent.ExecutorService SENDERS = java.util.concurrent.Executors.newFixedThreadPool(16,
            r -> Thread.ofPlatform().daemon().name("sender").unstarted(r)); // a failed run must still end

    /**
     * Bytes on the wire per worker, elapsed seconds, and the workers' total Pss while all hold the data (the
     * parent no longer maps it then: shared pages are counted once, in the workers).
     */
    private record Result(long wireBytes, double seconds, long pss) {
    }

    private static double[][] dataset(int rows) {
        double[][] d = new double[COLS][rows];
        for (int c = 0; c < COLS; c++) {
            for (int r = 0; r < rows; r++) {
                d[c][r] = (r % 1000) * 0.001 + c;
            }
        }
        return d;
    }

    private static ThreadSafeFory fory() {
        ThreadSafeFory f = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true)
                .withRefTracking(false).withMaxGraphMemoryBytes(1L << 31).buildThreadSafeFory();
        GroveSerializers.register(f);
        return f;
    }

    /** One Fory per process, parent or worker, with its bridge made before the Fory's first use. */
    private static final ThreadSafeFory FORY = fory();
    private static final ForyBridge BRIDGE = ForyBridge.of(FORY);

    /** One way and one workload: every worker gets its message (encoded per message, as RPC does), computes, holds. */
    private static Result run(List<Worker> ws, ThreadSafeFory fory, double[][] data, int way, int load)
            throws Exception {
        long t0 = System.nanoTime();
        SharedMatrix view = way == 3 ? Grove.share(data) : null;
        long[] wire = new long[1];
        List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
        for (Worker w : ws) {
            senders.add(SENDERS.submit(() -> {
                byte[] msg = switch (way) {
                    case 0 -> fory.serialize(data);
                    case 1 -> javaIo(data);
                    case 2 -> BRIDGE.serialize(data);
                    default -> fory.serialize(view);
                };
                synchronized (wire) {
                    wire[0] = msg.length;
                }
                w.send(way, load, msg);
            }));
        }
        for (java.util.concurrent.Future<?> f : senders) {
            f.get();
        }
        if (view != null) {
            view.close(); // the references' leases keep it until the workers have mapped it
        }
        double check = 0;
        for (Worker w : ws) {
            check += Double.parseDouble(w.answer("done "));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long pss = totalPss(ws);
        for (Worker w : ws) {
            w.send(RELEASE, 0, new byte[0]);
        }
        for (Worker w : ws) {
            w.answer("released");
        }
        if (Double.isNaN(check)) {
            throw new AssertionError("workers computed nothing");
        }
        return new Result(wire[0], seconds, pss);
    }

    private static byte[] javaIo(Object o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            return b.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- workers

    private static final class Worker {
        final Process process;
        final DataOutputStream out;
        final BufferedReader in;

        Worker() throws Exception {
            process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-Xmx1g", "-Dgrove.reaper=false",
                    "-cp", System.getProperty("java.class.path"), FanOut.class.getName(), "--worker")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new DataOutputStream(process.getOutputStream());
            in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        void send(int way, int load, byte[] msg) {
            try {
                synchronized (out) {
                    out.writeInt(way);
                    out.writeInt(load);
                    out.writeInt(msg.length);
                    out.write(msg);
                    out.flush();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        String answer(String prefix) throws Exception {
            String line = in.readLine();
            if (line == null || !line.startsWith(prefix)) {
                throw new IllegalStateException("worker " + process.pid() + " answered: " + line);
            }
            return line.substring(prefix.length());
        }

        void close() throws Exception {
            out.close();
            process.waitFor();
        }
    }

    private static void worker() throws Exception {
        ThreadSafeFory fory = FORY;
        DataInputStream in = new DataInputStream(System.in);
        Object held = null;
        for (;;) {
            int way;
            try {
                way = in.readInt();
            } catch (java.io.EOFException e) {
                return;
            }
            int load = in.readInt();
            byte[] msg = in.readNBytes(in.readInt());
            if (way == RELEASE) {
                if (held instanceof SharedObject v) {
                    v.close();
                }
                held = null;
                System.gc();
                System.gc();
                System.out.println("released");
                continue;
            }
            held = switch (way) {
                case 0 -> fory.deserialize(msg);
                case 1 -> new ObjectInputStream(new ByteArrayInputStream(msg)).readObject();
                case 2 -> BRIDGE.deserialize(msg);
                default -> fory.deserialize(msg);
            };
            Column[] cols = columns(held);
            double result = load == 0 ? delivery(cols) : bootstrap(cols);
            System.out.println("done " + result);
        }
    }

    /** One column, read the same way whatever carried it. */
    private interface Column {
        double get(int r);

        int length();
    }

    private static Column[] columns(Object held) {
        Column[] out = new Column[COLS];
        for (int c = 0; c < COLS; c++) {
            if (held instanceof SharedMatrix m) {
                SharedDoubleArray row = m.row(c);
                int n = Math.toIntExact(row.length());
                out[c] = new Column() {
                    public double get(int r) {
                        return row.getDouble(r);
                    }

                    public int length() {
                        return n;
                    }
                };
            } else {
                double[] a = ((double[][]) held)[c];
                out[c] = new Column() {
                    public double get(int r) {
                        return a[r];
                    }

                    public int length() {
                        return a.length;
                    }
                };
            }
        }
        return out;
    }

    /** Reads every value once. */
    private static double delivery(Column[] cols) {
        double s = 0;
        for (Column c : cols) {
            for (int r = 0, n = c.length(); r < n; r++) {
                s += c.get(r);
            }
        }
        return s;
    }

    /** mori's bootstrap of column means: rows resampled with replacement, a few rounds. */
    private static double bootstrap(Column[] cols) {
        int n = cols[0].length();
        double s = 0;
        for (int b = 0; b < BOOTSTRAP_ROUNDS; b++) {
            SplittableRandom rnd = new SplittableRandom(b);
            double[] sums = new double[COLS];
            for (int i = 0; i < n; i++) {
                int r = rnd.nextInt(n);
                for (int c = 0; c < COLS; c++) {
                    sums[c] += cols[c].get(r);
                }
            }
            for (double v : sums) {
                s += v / n;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- memory

    private static long totalPss(List<Worker> ws) throws Exception {
        long sum = 0;
        for (Worker w : ws) {
            sum += pss(w.process.pid());
        }
        return sum;
    }

    /** The process's proportional set size in bytes, from {@code /proc/PID/smaps_rollup}. */
    static long pss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no Pss for pid " + pid);
    }

    // ---------------------------------------------------------------- memshare example (1)

    /** memshare's example (1), warm, on threads and on 2 and {@code workers} worker JVMs. */
    private static void memshareExample(int workers) throws Exception {
        double[] y = new double[10_000];
        double[][] x = MemshareExamples.exampleOne(new Random(1), y);
        try (SharedMatrix sx = Grove.share(x); SharedDoubleArray sy = Grove.share(y)) {
            // Each worker JVM compiles the applied function, the view reads and the column gathering for itself,
            // on its share of the columns: 3 calls left 2 workers half-warm (1.4-1.55x the threads). So every
            // JVM gets the same amount of warm-up work: 40 calls, and 10 per worker JVM beyond 4 (80 for 8, each
            // of which sees an eighth of every call's columns).
            int measured = Integer.getInteger("fanout.measured", 20);
            System.out.printf(Locale.ROOT, "memshare example (1), correlation of 2,000 columns with y, warm "
                    + "(40 calls, 10 per worker JVM for more than 4, then best and median of %d):%n", measured);
            for (int n : new int[] {0, 2, workers}) {
                int warm = Integer.getInteger("fanout.warm", Math.max(40, 10 * n));
                try (Workers w = n == 0 ? Workers.threads(Runtime.getRuntime().availableProcessors()) : WorkerPool.start(n)) {
                    double[] times = new double[measured];
                    for (int i = 0; i < warm + measured; i++) {
                        long t = System.nanoTime();
                        List<Double> r = Parallel.on(w).memApply(sx, Margin.COLUMNS,
                                (col, vars) -> MemshareExamples.correlation(col.toDoubleArray(),
                                        vars.<SharedDoubleArray>get("y").toDoubleArray()), Map.of("y", sy));
                        if (r.size() != 2_000) {
                            throw new AssertionError("results: " + r.size());
                        }
                        if (i >= warm) {
                            times[i - warm] = (System.nanoTime() - t) / 1e9;
                        }
                    }
                    Arrays.sort(times);
                    System.out.printf(Locale.ROOT, "  %-24s best %.3f s, median %.3f s%n", w.toString().replaceAll(" \\[.*", ""),
                            times[0], times[measured / 2]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- chart

    private static String chart(Result[][] r, long[] baselines, int workers, int rows) {
        int w = 760;
        int h = 335;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='12'>%n<rect width='100%%' height='100%%' fill='white'/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x='10' y='18' font-size='14'>Fan-out: %d warm worker JVMs each get "
                + "%d MB (%d columns x %,d rows)</text>%n", workers, (long) COLS * rows * 8 >> 20, COLS, rows));
        String[] colors = {"#8da0cb", "#a6d854", "#fc8d62", "#1b9e77"};
        panel(s, 10, "elapsed, delivery (s)", r[0], x -> x.seconds, colors, 1);
        panel(s, 260, "elapsed, bootstrap (s)", r[1], x -> x.seconds, colors, 1);
        Result[] above = new Result[r[0].length];
        for (int i = 0; i < above.length; i++) {
            above[i] = new Result(0, 0, Math.max(0, r[0][i].pss - baselines[i]));
        }
        panel(s, 510, "memory above baseline (MB)", above, x -> x.pss / 1048576.0, colors, 0);
        for (int i = 0; i < WAYS.length; i++) {
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='305' width='12' height='12' fill='%s'/>"
                    + "<text x='%d' y='315'>%s</text>%n", 10 + i * 185, colors[i], 26 + i * 185, WAYS[i]));
        }
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, int x0, String title, Result[] r,
                              java.util.function.ToDoubleFunction<Result> value, String[] colors, int decimals) {
        double max = 0;
        for (Result x : r) {
            max = Math.max(max, value.applyAsDouble(x));
        }
        int top = 70;
        int height = 200;
        s.append(String.format(Locale.ROOT, "<text x='%d' y='42' font-weight='bold'>%s</text>%n", x0, title));
        s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", x0,
                top + height, x0 + 230, top + height));
        for (int i = 0; i < r.length; i++) {
            double v = value.applyAsDouble(r[i]);
            int bh = max == 0 ? 0 : (int) Math.round(height * v / max);
            int bx = x0 + 10 + i * 55;
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='40' height='%d' fill='%s'/>%n", bx,
                    top + height - bh, bh, colors[i]));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>%s</text>%n", bx + 20,
                    top + height - bh - 4, String.format(Locale.ROOT, decimals == 0 ? "%.0f" : "%.2f", v)));
        }
    }
}

package dev.grove.parallel;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedMatrix;
import dev.grove.test.Await;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * memApply / memLapply on threads and on two worker JVMs, against plain loops: memshare's two README examples,
 * rows of a non-square matrix, failures with the remote stack trace and index, a worker killed by pid
 * mid-call, cancellation, a result array written by the workers, and the round-trip latency of a chunk.
 */
class ParallelTest {
    private static final Path COUNTERS = Path.of("target", "started-counters").toAbsolutePath();
    private static WorkerPool pool;
    private static Workers threads;

    @BeforeAll
    static void startWorkers() {
        pool = WorkerPool.start(2);
        threads = Workers.threads(2);
    }

    @AfterAll
    static void stopWorkers() throws IOException {
        List<Long> pids = pool.pids();
        pool.close();
        threads.close();
        for (long pid : pids) {
            Await.until("worker " + pid + " exited", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
        Leaks.assertNoRegionsLeft(30);
        try (var files = Files.list(COUNTERS)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    /** A new file counting the elements a call has started (see {@link Stats#slowlyCounted}). */
    private static Path counter() throws IOException {
        Files.createDirectories(COUNTERS);
        return Files.createTempFile(COUNTERS, "started-", "");
    }

    private static long started(Path counter) {
        try {
            return Files.size(counter);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Workers> both() {
        return List.of(threads, pool);
    }

    /** memshare's first example: the correlation of each column of a 10,000 x 2,000 matrix with y. */
    @Test
    void correlationOfEveryColumnWithY() {
        int rows = 10_000;
        int cols = 2_000;
        double[] y = new double[rows];
        double[][] x = MemshareExamples.exampleOne(new Random(3), y);
        double[] expected = new double[cols];
        for (int c = 0; c < cols; c++) {
            double[] col = new double[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = x[r][c];
            }
            expected[c] = MemshareExamples.correlation(col, y);
        }
        try (SharedMatrix shared = Grove.share(x)) {
            for (Workers w : both()) {
                AtomicLong last = new AtomicLong();
                List<Double> got = Parallel.on(w).progress((done, total) -> last.set(done)).memApply(shared,
                        Margin.COLUMNS, (col, vars) -> MemshareExamples.correlation(col.toDoubleArray(),
                                vars.<SharedDoubleArray>get("y").toDoubleArray()), Map.of("y", y));
                assertEquals(cols, got.size(), w.toString());
                for (int c = 0; c < cols; c++) {
                    assertEquals(expected[c], got.get(c), 1e-12, w + " column " + c);
                }
                assertEquals(cols, last.get(), "progress reached the total");
            }
        }
    }

    /** memshare's second example: a list of 1,000 100 x 100 matrices, each multiplied by a vector of 100. */
    @Test
    void everyMatrixOfAListTimesAVector() {
        Random rnd = new Random(5);
        List<double[][]> list = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            double[][] m = new double[100][100];
            for (double[] row : m) {
                for (int j = 0; j < 100; j++) {
                    row[j] = rnd.nextDouble();
                }
            }
            list.add(m);
        }
        double[] v = rnd.doubles(100).toArray();
        for (Workers w : both()) {
            List<double[]> got = Parallel.on(w).memLapply(list,
                    (m, vars) -> MemshareExamples.times((SharedMatrix) m, vars.<SharedDoubleArray>get("v")), Map.of("v", v));
            assertEquals(1000, got.size());
            for (int i = 0; i < 1000; i++) {
                double[][] m = list.get(i);
                for (int r = 0; r < 100; r++) {
                    double s = 0;
                    for (int c = 0; c < 100; c++) {
                        s += m[r][c] * v[c];
                    }
                    assertEquals(s, got.get(i)[r], 1e-9, w + " element " + i + " row " + r);
                }
            }
        }
    }

    /** MARGIN honoured exactly: rows of a 300 x 7 matrix are 300 calls, each seeing 7 elements. */
    @Test
    void rowsOfANonSquareMatrix() {
        int[][] m = new int[300][7];
        for (int r = 0; r < 300; r++) {
            for (int c = 0; c < 7; c++) {
                m[r][c] = r * 10 + c;
            }
        }
        for (Workers w : both()) {
            List<Long> sums = Parallel.on(w).memApply(m, Margin.ROWS, (row, vars) -> {
                long s = 0;
                for (long i = 0; i < row.length(); i++) {
                    s += row.getInt(i);
                }
                return s * 1000 + row.length();
            }, Map.of());
            assertEquals(300, sums.size(), w.toString());
            for (int r = 0; r < 300; r++) {
                assertEquals((long) (r * 70 + 21) * 1000 + 7, sums.get(r), w + " row " + r);
            }
        }
    }

    /**
     * Columns of a double matrix are gathered a block at a time: whatever the chunk size (blocks end with
     * their chunk), a column reads the same through every accessor as a plain loop sees it, for a wide matrix
     * (blocks of up to 64 columns) and a tall one (too tall to gather: read in place).
     */
    @Test
    void columnsReadTheSameWhateverTheChunks() {
        for (int[] shape : new int[][] {{37, 203}, {1_100_000, 3}}) {
            int rows = shape[0];
            int cols = shape[1];
            double[][] m = new double[rows][cols];
            Random rnd = new Random(rows);
            for (double[] row : m) {
                for (int c = 0; c < cols; c++) {
                    row[c] = rnd.nextGaussian();
                }
            }
            double[] expected = new double[cols];
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += m[r][c] * (r + 1) + 3 * m[r][c] + 5 * m[r][c];
                }
                expected[c] = s;
            }
            try (SharedMatrix shared = Grove.share(m)) {
                for (Workers w : both()) {
                    for (int chunk : new int[] {0, 1, 5, 64, 100}) {
                        Job job = Parallel.on(w);
                        if (chunk > 0) {
                            job.chunkSize(chunk);
                        }
                        List<Double> got = job.memApply(shared, Margin.COLUMNS, (col, vars) -> {
                            double[] copy = col.toDoubleArray();
                            double s = 0;
                            for (int r = 0; r < col.length(); r++) {
                                s += col.getDouble(r) * (r + 1) + 3 * copy[r] + 5 * (Double) col.get(r);
                            }
                            copy[0] = Double.NaN; // a private copy: the next call must not see this
                            // Read from other threads too (a parallel stream): the slice is theirs to read.
                            double plain = java.util.stream.IntStream.range(0, (int) col.length()).parallel()
                                    .mapToDouble(col::getDouble).sum();
                            double sequential = 0;
                            for (int r = 0; r < col.length(); r++) {
                                sequential += col.getDouble(r);
                            }
                            if (Math.abs(plain - sequential) > 1e-9 * col.length()) {
                                throw new AssertionError("column " + col.index() + " read " + plain + " from other threads, "
                                        + sequential + " from this one");
                            }
                            return s;
                        }, Map.of());
                        for (int c = 0; c < cols; c++) {
                            assertEquals(expected[c], got.get(c), 1e-9 * rows,
                                    w + " rows=" + rows + " chunk=" + chunk + " column=" + c);
                        }
                    }
                }
            }
        }
    }

    /** A gathered column kept past its call fails once its thread has moved on, instead of misreading. */
    @Test
    void aColumnKeptPastItsCallFails() {
        double[][] m = new double[10][130];
        for (int r = 0; r < 10; r++) {
            java.util.Arrays.fill(m[r], r);
        }
        try (SharedMatrix shared = Grove.share(m)) {
            List<Slice> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
            Parallel.on(threads).chunkSize(130).memApply(shared, Margin.COLUMNS, (col, vars) -> {
                col.getDouble(0);
                kept.add(col);
                return 0.0;
            }, Map.of());
            assertEquals(130, kept.size());
            // Columns 0-63 were one block, 64-127 the next: the first block's slices are stale, the last readable.
            assertThrows(IllegalStateException.class, () -> kept.getFirst().getDouble(3));
            assertEquals(3.0, kept.getLast().getDouble(3));
        }
    }

    /** Each worker JVM sees its share of the cores, unless the pool's options say otherwise. */
    @Test
    void workersSeeTheirShareOfTheCores() {
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / pool.size());
        List<Integer> seen = Parallel.on(pool).chunkSize(1).memLapply(List.of(1, 2, 3, 4),
                (x, vars) -> Runtime.getRuntime().availableProcessors(), Map.of());
        assertEquals(List.of(share, share, share, share), seen);
        try (WorkerPool three = WorkerPool.start(1, List.of("-XX:ActiveProcessorCount=3"))) {
            assertEquals(List.of(3), Parallel.on(three).memLapply(List.of(1),
                    (x, vars) -> Runtime.getRuntime().availableProcessors(), Map.of()));
        }
    }

    /**
     * Uneven costs bunched at the start (the first 10 of 40 rows take 40 ms each, the rest nothing): chunks are
     * handed out dynamically, so both workers run some of the slow rows instead of one worker getting them all.
     */
    @Test
    void slowRowsBunchedTogetherAreSpreadOverTheWorkers() {
        for (Workers w : both()) {
            List<String> who = Parallel.on(w).memApply(new double[40][1], Margin.ROWS,
                    row -> Stats.slowly(row.index(), row.index() < 10 ? 40 : 0) >= 0 ? Stats.whoAmI() : "?");
            java.util.Map<String, Long> slowPerWorker = who.subList(0, 10).stream()
                    .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()));
            assertEquals(2, slowPerWorker.size(), w + ": slow rows ran on " + slowPerWorker);
            assertTrue(slowPerWorker.values().stream().allMatch(n -> n >= 3), w + ": " + slowPerWorker);
        }
    }

    @Test
    void aFailingCallReportsItsIndexAndStackTrace() {
        for (Workers w : both()) {
            ParallelException rows = assertThrows(ParallelException.class, () -> Parallel.on(w).memApply(
                    new double[500][1], Margin.ROWS, (row, vars) -> Stats.failIf137(row.index()), Map.of()));
            assertEquals(137, rows.index(), w.toString());
            Throwable cause = rows.getCause();
            assertNotNull(cause, w.toString());
            String origin = cause instanceof RemoteFailure rf ? rf.className() : cause.getClass().getName();
            assertEquals(ArithmeticException.class.getName(), origin, w.toString());
            assertTrue(java.util.Arrays.stream(cause.getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("failIf137")), "the function's own frame is in the trace");
        }
    }

    /** A result array written in place by two worker JVMs: nothing travels back. */
    @Test
    void workersWriteIntoASharedResultArray() {
        double[][] m = new double[5000][3];
        for (int r = 0; r < m.length; r++) {
            m[r] = new double[] {r, 2 * r, 3 * r};
        }
        for (Workers w : both()) {
            try (ArrayWriter<SharedDoubleArray> out = Grove.allocate(SharedDoubleArray.class, m.length)) {
                Parallel.on(w).memApplyInto(m, Margin.ROWS,
                        (row, vars) -> row.getDouble(0) + row.getDouble(1) + row.getDouble(2), Map.of(), out);
                try (SharedDoubleArray sums = out.seal()) {
                    for (int r = 0; r < m.length; r++) {
                        assertEquals(6.0 * r, sums.getDouble(r), w + " row " + r);
                    }
                }
            }
        }
    }

    /** A worker killed by pid mid-call: replaced, its chunk run again, the result still right. */
    @Test
    void aWorkerKilledMidCallIsReplacedAndItsChunkRetried() throws Exception {
        List<Long> before = pool.pids();
        Path counter = counter();
        String c = counter.toString();
        CompletableFuture<List<Long>> f = Parallel.on(pool).chunkSize(20).memApplyAsync(new double[400][1],
                Margin.ROWS, (row, vars) -> Stats.slowlyCounted(row.index(), 5, c), Map.of());
        // Past the first chunk of each worker: both are inside chunks now, 15 of 20 chunks still to run.
        Await.until("both workers are running chunks", () -> started(counter) > 25);
        assertFalse(f.isDone(), "the kill lands inside the call");
        ProcessHandle.of(before.getFirst()).ifPresent(ProcessHandle::destroyForcibly);
        List<Long> got = f.get(Await.DEFAULT_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < 400; i++) {
            assertEquals(i, got.get(i));
        }
        assertTrue(started(counter) > 400, "the dead worker's chunk ran again: " + started(counter) + " elements started");
        Await.until("the dead worker was replaced", () -> pool.size() == 2 && !pool.pids().contains(before.getFirst()));
    }

    /**
     * A function that kills its worker JVM at one element: the chunk is retried once on a replacement, dies
     * again, and the call fails naming it; the pool replaces the worker and the next call runs.
     */
    @Test
    void aChunkThatKillsItsWorkerTwiceFailsTheCallAndThePoolRecovers() {
        try (WorkerPool one = WorkerPool.start(1)) {
            ParallelException e = assertThrows(ParallelException.class, () -> Parallel.on(one).chunkSize(4)
                    .memApply(new double[20][1], Margin.ROWS, row -> Stats.haltAt(row.index(), 9)));
            assertTrue(e.getMessage().contains("died twice"), e.getMessage());
            assertEquals(List.of(0L, 1L), Parallel.on(one).memApply(new double[2][1], Margin.ROWS, row -> row.index()));
        }
    }

    @Test
    void closingThePoolFailsTheRunningCallInsteadOfLeavingItHanging() throws Exception {
        WorkerPool p = WorkerPool.start(1);
        Path counter = counter();
        String c = counter.toString();
        CompletableFuture<List<Long>> f = Parallel.on(p).chunkSize(1).memApplyAsync(new double[1000][1], Margin.ROWS,
                (row, vars) -> Stats.slowlyCounted(row.index(), 10, c), Map.of());
        Await.until("the call is running", () -> started(counter) > 0);
        assertFalse(f.isDone());
        p.close();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> f.get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    }

    @Test
    void aNestedCallOnTheSameThreadsIsRefusedNotDeadlocked() {
        ParallelException e = assertThrows(ParallelException.class, () -> Parallel.on(threads).memApply(
                new double[2][1], Margin.ROWS, row -> Parallel.on(threads).memApply(new double[1][1], Margin.ROWS,
                        inner -> 1).size()));
        assertTrue(String.valueOf(e.getCause()).contains("inside a call") || e.getMessage().contains("inside a call"),
                e.toString());
    }

    @Test
    void cancellingStopsTheWorkersCurrentChunks() throws Exception {
        for (Workers w : both()) {
            Path counter = counter();
            String c = counter.toString();
            CompletableFuture<List<Long>> f = Parallel.on(w).chunkSize(1).memApplyAsync(new double[10_000][1],
                    Margin.ROWS, (row, vars) -> Stats.slowlyCounted(row.index(), 10, c), Map.of());
            Await.until(w + ": the call is running", () -> started(counter) > 0);
            assertTrue(f.cancel(true));
            long atCancel = started(counter);
            // The next call runs once the cancelled one's elements already handed out end (the chunks each worker
            // holds, two at most, their sleeps interrupted), not after the remaining 10,000 x 10 ms are worked off.
            List<Long> next = Parallel.on(w).memApply(new double[4][1], Margin.ROWS, (row, vars) -> row.index(), Map.of());
            assertEquals(List.of(0L, 1L, 2L, 3L), next);
            long after = started(counter);
            assertTrue(after - atCancel <= 4, w + ": the cancelled call stopped, yet " + (after - atCancel)
                    + " more of its elements started after cancel()");
        }
    }

    /** When the parent JVM dies (SIGKILL: no shutdown hook runs), its workers exit on their own within seconds. */
    @Test
    void workersExitWhenTheirParentIsKilled() throws Exception {
        try (dev.grove.test.ChildJvm parent = dev.grove.test.ChildJvm.start(PoolParent.class)) {
            String line = parent.expect("workers ", 120);
            List<Long> pids = java.util.Arrays.stream(line.split(" ")).map(Long::parseLong).toList();
            assertEquals(2, pids.size());
            for (long pid : pids) {
                assertTrue(ProcessHandle.of(pid).isPresent(), "worker " + pid + " runs");
            }
            ProcessHandle.of(parent.pid()).ifPresent(ProcessHandle::destroyForcibly);
            for (long pid : pids) {
                Await.until("worker " + pid + " exited after its parent was killed",
                        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            }
        }
    }

    /** The round trip of one chunk between this JVM and a warm worker, for the README's latency figure. */
    @Test
    void emptyTaskRoundTrip() {
        Parallel.on(pool).chunkSize(1).memApply(new double[2000][1], Margin.ROWS, (row, vars) -> 0, Map.of()); // warm
        Run probe = LatencyProbe.run(pool, 5000);
        List<Long> t = new ArrayList<>(probe.roundTrips);
        t.sort(null);
        long p50 = t.get(t.size() / 2);
        long p99 = t.get(t.size() * 99 / 100);
        System.out.printf("empty task round trip to a warm worker JVM: p50 %.1f us, p99 %.1f us (%d tasks)%n",
                p50 / 1e3, p99 / 1e3, t.size());
        assertEquals(5000, t.size());
        assertTrue(p50 > 0);
    }
}

package dev.grove.parallel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The parent's side of one parallel call: hands out chunks of elements (guided self-scheduling: each chunk
 * a share of what is left, so workers that draw cheap elements come back for more and nobody idles at the
 * end), gathers results in order, reports progress, and ends the call once, with its results or its first
 * failure. Thread-safe: executors call it from any thread.
 */
final class Run {
    final Task task;
    /** The call as threads run it; null for worker JVMs, which map their own. */
    final TaskContext local;
    private final long total;
    private final int workers;
    private final int fixedChunk;
    /** Chunks are whole multiples of it (but the last): a block of columns gathered at once, else 1. */
    private final long grain;
    private final ProgressListener progress;
    private final Object[] results;
    private final Deque<long[]> retries = new ArrayDeque<>();
    private final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    /** Round-trip time of each chunk a worker JVM ran, for the latency figures. */
    final List<Long> roundTrips = new ArrayList<>();
    private long next;
    private long done;

    Run(Task task, TaskContext local, long total, int workers, int fixedChunk, int grain, ProgressListener progress) {
        this.task = task;
        this.local = local;
        this.total = total;
        this.workers = workers;
        this.fixedChunk = fixedChunk;
        // Never so coarse that a worker would have no chunk of its own, even for a narrow matrix.
        this.grain = Math.max(1, Math.min(grain, (total + 2L * workers - 1) / (2L * workers)));
        this.progress = progress;
        this.results = local != null && local.writesResults() || task.result() != null ? null
                : new Object[Math.toIntExact(total)];
        if (total == 0) {
            future.complete(List.of());
        }
    }

    CompletableFuture<List<Object>> future() {
        return future;
    }

    long total() {
        return total;
    }

    boolean finished() {
        return future.isDone();
    }

    /** The next chunk {@code {from, to}}, a retried one first; null when none is left or the call ended. */
    synchronized long[] take() {
        if (future.isDone()) {
            return null;
        }
        if (!retries.isEmpty()) {
            return retries.poll();
        }
        if (next >= total) {
            return null;
        }
        long left = total - next;
        // An eighth of each worker's share of what is left: heavy elements bunched together still spread. In
        // whole grains, so that no gathered block of columns is cut short by a chunk's end.
        long guided = Math.max(1, Math.min(left / (8L * workers), 4096));
        long size = fixedChunk > 0 ? fixedChunk : (guided + grain - 1) / grain * grain;
        long[] c = {next, Math.min(total, next + size)};
        next = c[1];
        return c;
    }

    /** A chunk whose worker died: run again (by another worker) before anything new. */
    synchronized void retry(long[] chunk) {
        retries.addFirst(chunk);
    }

    /** Records a finished chunk; ends the call when every element is done. */
    void chunkDone(long from, long to, List<Object> values) {
        long now;
        synchronized (this) {
            if (future.isDone()) {
                return;
            }
            if (values != null && results != null) {
                for (int i = 0; i < values.size(); i++) {
                    results[Math.toIntExact(from + i)] = values.get(i);
                }
            }
            done += to - from;
            now = done;
            if (progress != null) {
                try {
                    progress.onProgress(now, total);
                } catch (RuntimeException e) {
                    System.getLogger("dev.grove.parallel").log(System.Logger.Level.WARNING,
                            "progress listener failed; the call goes on", e);
                }
            }
        }
        if (now >= total) {
            future.complete(results == null ? List.of() : Arrays.asList(results));
        }
    }

    /** Ends the call with a failure (the first one wins). */
    void fail(ParallelException e) {
        future.completeExceptionally(e);
    }

    void failAt(long index, Throwable cause) {
        fail(new ParallelException("function failed: index=" + index + " task=" + task.id() + " error=" + cause,
                index, cause));
    }

    void cancel() {
        future.cancel(false);
    }
}

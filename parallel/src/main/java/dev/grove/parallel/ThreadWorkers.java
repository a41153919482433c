package dev.grove.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/** Threads of this JVM, each taking chunks from the call until none is left. */
final class ThreadWorkers extends Workers {
    private final int n;
    private final ExecutorService pool;
    private final ReentrantLock oneCall = new ReentrantLock();
    /** The workers whose call this thread is running a function for, if any. */
    private static final ThreadLocal<Workers> RUNNING = new ThreadLocal<>();

    ThreadWorkers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("at least one thread: n=" + n);
        }
        this.n = n;
        this.pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "grove-parallel");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the current thread runs a function of a call on {@code w}. */
    static boolean runningOn(Workers w) {
        return RUNNING.get() == w;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    boolean inProcess() {
        return true;
    }

    @Override
    void execute(Run run) {
        oneCall.lock();
        try {
            List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                loops.add(pool.submit(() -> {
                    RUNNING.set(this);
                    try {
                        loop(run);
                    } finally {
                        RUNNING.remove();
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : loops) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    run.cancel();
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    run.failAt(-1, e.getCause());
                }
            }
        } finally {
            oneCall.unlock();
        }
    }

    private static void loop(Run run) {
        long[] c;
        while ((c = run.take()) != null) {
            List<Object> out = run.local.writesResults() ? null : new ArrayList<>((int) (c[1] - c[0]));
            for (long i = c[0]; i < c[1]; i++) {
                if (run.finished()) {
                    return; // failed or cancelled elsewhere
                }
                Object r;
                try {
                    r = run.local.run(i, c[1]);
                } catch (Throwable t) {
                    run.failAt(i, t);
                    return;
                }
                if (out != null) {
                    out.add(r);
                }
            }
            run.chunkDone(c[0], c[1], out);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    @Override
    public String toString() {
        return n + " threads";
    }
}

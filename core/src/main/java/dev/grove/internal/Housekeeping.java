package dev.grove.internal;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * The process's background chores and their plumbing: the one daemon thread that runs periodic sweeps and
 * reminders (an instance, held by {@link LocalRegions}), the shutdown hook, and (static, stateless) logging
 * and closing mappings and descriptors quietly. Why: utilities every part of the region layer uses, kept
 * apart so that none of them depends back on its callers.
 */
final class Housekeeping implements Scheduler {
    /** The one daemon thread for periodic sweeps and reminders; null until the first region is opened. */
    private java.util.concurrent.ScheduledThreadPoolExecutor thread;

    /**
     * Starts the housekeeping thread, once, with {@code atExit} as the shutdown hook that a normal exit runs.
     * Later calls change nothing.
     */
    synchronized void start(Runnable atExit) {
        if (thread == null) {
            Runtime.getRuntime().addShutdownHook(new Thread(atExit, "grove-exit"));
            thread = new java.util.concurrent.ScheduledThreadPoolExecutor(1, task -> {
                Thread t = new Thread(task, "grove-sweeper");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Runs {@code task} at once and then every {@code periodSeconds}; the thread must be {@linkplain #start started}. */
    synchronized void every(long periodSeconds, Runnable task) {
        thread.scheduleWithFixedDelay(task, 0, periodSeconds, TimeUnit.SECONDS);
    }

    @Override
    public synchronized boolean schedule(Runnable task, long delayMillis) {
        if (thread == null) {
            return false;
        }
        thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Tasks waiting on the housekeeping thread (tests watch it for reminders that pile up). */
    synchronized int pendingTasks() {
        return thread == null ? 0 : thread.getQueue().size();
    }

    static void closeArena(Arena arena) {
        // A shared arena refuses to close while another thread is inside an access to it; such an access
        // only happens through a view already released, and ends at once with an exception.
        for (int attempt = 0; ; attempt++) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException e) {
                if (!arena.scope().isAlive() || attempt > 1000) {
                    return;
                }
                Thread.onSpinWait();
            }
        }
    }

    static void closeQuietly(Arena arena, RegionFile file) {
        if (arena != null && arena.scope().isAlive()) {
            closeArena(arena);
        }
        if (file != null) {
            file.close();
        }
    }

    /** Failures that must not propagate (exit, a sweep losing a race) are logged, never dropped. */
    static void log(System.Logger.Level level, String message, Throwable cause) {
        System.getLogger("dev.grove").log(level, message, cause);
    }

}

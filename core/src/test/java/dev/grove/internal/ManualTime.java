package dev.grove.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A manual clock and a scheduler on it, for the timed parts of the region layer: nothing runs and no time passes
 * until the test {@linkplain #advance advances} it, and then the tasks that came due run on the test's thread, in
 * the order they are due. Tests of idle drops and lease reminders use it instead of sleeping.
 */
final class ManualTime implements Scheduler {
    private record Task(long due, long seq, Runnable run) {
    }

    final Clock clock = Clock.manual(1_000_000_000_000L);
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    @Override
    public synchronized boolean schedule(Runnable task, long delayMillis) {
        tasks.add(new Task(clock.now() + delayMillis, seq++, task));
        return true;
    }

    /** Tasks scheduled and not yet run. */
    synchronized int pending() {
        return tasks.size();
    }

    /** Moves the clock forward by {@code millis}, running every task that comes due on the way, when it is due. */
    void advance(long millis) {
        long end = clock.now() + millis;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due() <= end)
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
            }
            if (next.due() > clock.now()) {
                clock.advance(next.due() - clock.now());
            }
            next.run().run(); // outside the monitor: a task may schedule the next one
        }
        clock.advance(end - clock.now());
    }
}

package dev.grove.internal;

/**
 * Runs a task later, on the process's one housekeeping thread ({@link Housekeeping}) in production; tests give
 * the timed parts (idle drops, lease reminders) one that runs what is due when they move a manual
 * {@link Clock}.
 */
interface Scheduler {
    /**
     * Runs {@code task} once, {@code delayMillis} from now on the scheduler's clock.
     *
     * @return false if nothing runs tasks yet (the housekeeping thread is started with the first region)
     */
    boolean schedule(Runnable task, long delayMillis);
}

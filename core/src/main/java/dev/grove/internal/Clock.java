package dev.grove.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place Grove's core reads time. Two kinds of time, kept apart on purpose:
 * <ul>
 * <li>the system's, through the static {@link #millis()} and {@link #nanos()}: wall-clock milliseconds for
 *     what other processes and the file system compare (leases, pins, once deadlines, file times), and a
 *     monotonic count for waits. No process can have a time of its own for what it shares with others;
 * <li>this process's own timing (how long a spare or a kept mapping has been idle, when a lease reminder is
 *     due), through an instance: {@link LocalRegions} holds {@link #system()}, and tests build the same parts on
 *     a {@link #manual} clock they move forward themselves, instead of sleeping.
 * </ul>
 * Every other class asks here (an architecture test checks it).
 */
public final class Clock {
    private static final Clock SYSTEM = new Clock(null);

    /** The time of a manual clock, in epoch milliseconds; null for the system clock. */
    private final AtomicLong manual;

    private Clock(AtomicLong manual) {
        this.manual = manual;
    }

    /** Milliseconds since the Unix epoch, as the file system's times count them. */
    public static long millis() {
        return System.currentTimeMillis();
    }

    /** A monotonic count of nanoseconds, for measuring waits in this process only. */
    public static long nanos() {
        return System.nanoTime();
    }

    /** The clock production runs on: {@link #millis()}. */
    public static Clock system() {
        return SYSTEM;
    }

    /** A clock that stands at {@code startMillis} until {@linkplain #advance moved}: for tests. */
    public static Clock manual(long startMillis) {
        return new Clock(new AtomicLong(startMillis));
    }

    /** This clock's time in epoch milliseconds. */
    public long now() {
        return manual == null ? millis() : manual.get();
    }

    /**
     * Moves a manual clock forward by {@code millis}.
     *
     * @throws IllegalStateException on the system clock, which nothing moves
     */
    public void advance(long millis) {
        if (manual == null || millis < 0) {
            throw new IllegalStateException("only a manual clock moves, and only forward: millis=" + millis
                    + " manual=" + (manual != null));
        }
        manual.addAndGet(millis);
    }
}

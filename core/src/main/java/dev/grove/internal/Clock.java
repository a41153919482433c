package dev.grove.internal;

/**
 * The one place Grove's core reads time: wall-clock milliseconds, for what other processes and the file system
 * compare (leases, pins, once deadlines, file times, creation times), and a monotonic nanosecond count, for waits
 * and bounds inside one process. Every other class asks here (an architecture test checks it), so that time has
 * one owner: a test-driven clock can take its place without a hunt through the code.
 */
public final class Clock {
    private Clock() {
    }

    /** Milliseconds since the Unix epoch, as the file system's times count them. */
    public static long millis() {
        return System.currentTimeMillis();
    }

    /** A monotonic count of nanoseconds, for measuring waits in this process only. */
    public static long nanos() {
        return System.nanoTime();
    }
}

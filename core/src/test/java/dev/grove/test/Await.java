package dev.grove.test;

import dev.grove.SharedObject;
import dev.grove.internal.Inspector;
import dev.grove.internal.StoreDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition, never for a time: tests poll what they need with a deadline generous enough for a
 * slow, loaded machine, and fail only when the deadline passes. A passing test costs only the time the
 * condition really took.
 */
public final class Await {
    /** The deadline when a test names none: long, since it is reached only by a test that fails. */
    public static final int DEFAULT_SECONDS = 120;

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #DEFAULT_SECONDS}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_SECONDS, condition);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code seconds}. */
    public static void until(String what, int seconds, BooleanSupplier condition) {
        value(what, seconds, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Polls {@code probe} until it gives a value and returns it; fails naming {@code what} after {@code seconds}. */
    public static <T> T value(String what, int seconds, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long pauseMillis = 1;
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + seconds + " s, still not: " + what);
            }
            Leaks.sleep(pauseMillis);
            pauseMillis = Math.min(100, pauseMillis * 2);
        }
    }

    /**
     * Until when the region file {@code file} is kept with no holder (its lease, or a consumed-once reference's
     * deadline), as {@code grove ls} judges it; 0 if that has passed or the file is gone.
     */
    public static long keptUntil(Path file) {
        StoreDir store = StoreDir.openExisting(file.getParent());
        String name = file.getFileName().toString();
        long now = System.currentTimeMillis();
        return Inspector.list(store).stream().filter(e -> e.name().equals(name) && e.leaseLeftMillis() > 0)
                .mapToLong(e -> now + e.leaseLeftMillis()).findFirst().orElse(0);
    }

    /** Waits until no lease or consumed-once deadline keeps the region file {@code file} any longer. */
    public static void leaseEnded(Path file) {
        until("the lease of " + file + " has ended", () -> keptUntil(file) == 0);
    }

    /** As {@link #leaseEnded(Path)}, for the region behind {@code view}, in the default store. */
    public static void leaseEnded(SharedObject view) {
        leaseEnded(RegionFiles.fileOf(view));
    }
}

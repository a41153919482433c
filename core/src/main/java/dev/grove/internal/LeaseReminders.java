package dev.grove.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Reminders to look at a region again when its lease ends: a region released here while its lease ran is
 * kept by the release, and nothing else would delete it before a periodic sweep. At most one reminder is
 * pending per region and lease end (a region mapped and released a thousand times under one lease leaves
 * one); any other end gets its own, as the time a region is kept until can move either way (a consumed-once
 * deadline ends early). A lease that has ended by the time the reminder is set gets one at once: the caller
 * kept the file for it.
 *
 * <p>An instance belongs to {@link LocalRegions}; its times are its clock's, and its reminders run on its
 * scheduler, under the region lock.
 */
final class LeaseReminders {
    /** How long after the lease end a reminder runs: a margin for file times rounded to the clock tick. */
    static final long MARGIN_MILLIS = 20;

    private record Lease(StoreDir store, long until) {
    }

    /** By region name: the lease end of the latest reminder. Removed once that reminder has run. */
    private final Map<String, Lease> pending = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Scheduler scheduler;
    private final RegionLock lock;

    LeaseReminders(Clock clock, Scheduler scheduler, RegionLock lock) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.lock = lock;
    }

    /**
     * Runs {@code check} on region {@code name} of {@code store} at {@code leaseEnd} (epoch milliseconds), under
     * the region lock, unless a reminder for that very time is pending. If no scheduler runs yet, the reminder
     * stays pending, for {@link #forEach} at exit.
     */
    void remind(StoreDir store, String name, long leaseEnd, BiConsumer<StoreDir, String> check) {
        Lease there = pending.get(name);
        if (there != null && there.store() == store && there.until() == leaseEnd) {
            return;
        }
        Lease lease = new Lease(store, leaseEnd);
        pending.put(name, lease);
        scheduler.schedule(() -> {
            lock.lock();
            try {
                check.accept(store, name);
            } finally {
                pending.remove(name, lease); // after the check: whoever waits for the reminder sees it done
                lock.unlock();
            }
        }, Math.max(0, leaseEnd - clock.now()) + MARGIN_MILLIS);
    }

    /** The lease end the pending reminder for region {@code name} waits for, or -1 if none is pending. */
    long pendingUntil(String name) {
        Lease l = pending.get(name);
        return l == null ? -1 : l.until();
    }

    /** Each pending reminder's store and region name (at exit, when no reminder will run any more). */
    void forEach(BiConsumer<StoreDir, String> action) {
        pending.forEach((name, lease) -> action.accept(lease.store(), name));
    }
}

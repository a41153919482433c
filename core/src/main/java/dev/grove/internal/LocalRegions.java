package dev.grove.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything this process keeps about regions, in one instance: the region lock, the table of open regions,
 * the pools of spares and kept mappings, the lease reminders, the housekeeping thread, the stores and
 * namespace directories opened, and the clock the timed parts run on. Why one owner: state spread over
 * static fields of ten classes could only be reasoned about, and tested, as a whole by reading all ten; here
 * it has one place, and the timed parts ({@link Spares}, {@link Warm}, {@link LeaseReminders}, all built on
 * {@link IdleDrops}) take their clock, scheduler and lock from it, so tests build them on a manual clock.
 *
 * <p>Production has exactly one instance, {@link #PROCESS}; an architecture test keeps mutable static fields
 * out of every other class. The parts that must run under the lock check it ({@link RegionLock#require}).
 * Lifetime: the process's; the housekeeping thread starts with the first region opened, and the shutdown hook
 * releases what is left ({@link Deletion}).
 */
final class LocalRegions {
    /** The one instance. */
    static final LocalRegions PROCESS = new LocalRegions(Clock.system());

    /** Serialises opening, releasing, recycling and sweeping region files in this process. */
    final RegionLock lock = new RegionLock();

    /**
     * Every region file this process has open (any state but {@code RELEASED}), by the name its file has
     * now. Kept by {@link Region#move} alone.
     */
    final Map<String, Region> table = new ConcurrentHashMap<>();

    /** The clock of the timed parts below. */
    final Clock clock;

    /** The one background thread: periodic sweeps, reminders, idle drops; and the shutdown hook. */
    final Housekeeping housekeeping = new Housekeeping();

    /** Released regions kept for reuse. */
    final Spares spares;

    /** Mappings of released regions kept, unlocked, for the next map. */
    final Warm warm;

    /** Regions released while leased, to look at again when the lease ends. */
    final LeaseReminders reminders;

    /** Stores whose periodic sweep runs in this process. */
    final Set<Path> swept = ConcurrentHashMap.newKeySet();

    /** One {@link StoreDir} per directory: its policies and checks are per directory. */
    final Map<Path, StoreDir> stores = new ConcurrentHashMap<>();

    /** The default store, once first used. */
    private volatile StoreDir defaultStore;

    /** Each store's lease lock file, open for the process's life. */
    final Map<Path, RegionFile> leaseLocks = new ConcurrentHashMap<>();

    /** Each store's namespace directory, open for the process's life. */
    final Map<Path, Names> names = new ConcurrentHashMap<>();

    /** How many times this process rebuilt a namespace directory from its pins. */
    final AtomicLong namesRebuilds = new AtomicLong();

    /** Map nodes whose keys were checked distinct (region id, offset): checked once, bounded. */
    final Set<List<Long>> checkedMaps = ConcurrentHashMap.newKeySet();

    private LocalRegions(Clock clock) {
        this.clock = clock;
        this.spares = new Spares(clock, housekeeping, lock);
        this.warm = new Warm(clock, housekeeping, lock);
        this.reminders = new LeaseReminders(clock, housekeeping, lock);
    }

    /** The default store, opened by {@code open} the first time it is asked for. */
    StoreDir defaultStore(java.util.function.Supplier<StoreDir> open) {
        StoreDir s = defaultStore;
        if (s == null) {
            synchronized (this) {
                s = defaultStore;
                if (s == null) {
                    s = open.get();
                    defaultStore = s;
                }
            }
        }
        return s;
    }

    /** Whether {@code s} is the default store. */
    boolean isDefault(StoreDir s) {
        return s == defaultStore;
    }
}

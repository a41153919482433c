package dev.grove.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * What a process keeps of regions it let go of ({@link Spares}, {@link Warm}), by file name, oldest first:
 * each entry is dropped once it has been idle for longer than the idle time, by a task on the sweeper thread
 * of which at most one is pending (keeping an entry must not wake a thread), and every entry of a store when
 * asked. Dropping is the owner's: {@code drop} must remove the entry ({@link #remove}) and let go of what it
 * holds. Everything here runs under the region lock, and checks it. Its time is its clock's, and its drops run
 * on its scheduler: tests drive both.
 */
final class IdleDrops<E> {
    private final Map<String, E> entries = new LinkedHashMap<>();
    private final ToLongFunction<E> since;
    private final Function<E, StoreDir> storeOf;
    private final Consumer<E> drop;
    private final LongSupplier idleMillis;
    private final Clock clock;
    private final Scheduler scheduler;
    private final RegionLock lock;
    private boolean pending;

    /**
     * @param since      when an entry was kept (epoch milliseconds)
     * @param storeOf    the store an entry's region belongs to
     * @param drop       removes an entry and lets go of what it holds
     * @param idleMillis how long an entry may stay unused
     * @param clock      the time entries are kept since and dropped at
     * @param scheduler  runs the drops
     * @param lock       the region lock, which every call must hold
     */
    IdleDrops(ToLongFunction<E> since, Function<E, StoreDir> storeOf, Consumer<E> drop, LongSupplier idleMillis,
            Clock clock, Scheduler scheduler, RegionLock lock) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.lock = lock;
        this.since = since;
        this.storeOf = storeOf;
        this.drop = drop;
        this.idleMillis = idleMillis;
    }

    /** Keeps {@code e} under {@code name}, and makes sure a drop of idle entries is scheduled. */
    void put(String name, E e) {
        lock.require();
        entries.put(name, e);
        schedule(idleMillis.getAsLong() + 50);
    }

    E get(String name) {
        lock.require();
        return entries.get(name);
    }

    E remove(String name) {
        lock.require();
        return entries.remove(name);
    }

    boolean isEmpty() {
        lock.require();
        return entries.isEmpty();
    }

    int size() {
        lock.require();
        return entries.size();
    }

    /** The entries, oldest first. */
    Collection<E> values() {
        lock.require();
        return entries.values();
    }

    /** The names, oldest first. */
    List<String> names() {
        lock.require();
        return List.copyOf(entries.keySet());
    }

    private void schedule(long delayMillis) {
        if (!pending) {
            pending = scheduler.schedule(this::dropIdle, delayMillis);
        }
    }

    /** Drops the entries idle for longer than the idle time, and schedules the next drop if any remain. */
    void dropIdle() {
        lock.lock();
        try {
            pending = false;
            long cutoff = clock.now() - idleMillis.getAsLong();
            long next = Long.MAX_VALUE;
            for (E e : List.copyOf(entries.values())) {
                if (since.applyAsLong(e) <= cutoff) {
                    drop.accept(e);
                } else {
                    next = Math.min(next, since.applyAsLong(e));
                }
            }
            if (next != Long.MAX_VALUE) {
                schedule(next - cutoff + 50);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every entry of {@code store}.
     *
     * @return whether there were any
     */
    boolean dropAll(StoreDir store) {
        lock.require();
        boolean any = false;
        for (E e : List.copyOf(entries.values())) {
            if (storeOf.apply(e) == store) {
                drop.accept(e);
                any = true;
            }
        }
        return any;
    }
}

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
 * holds. Everything here runs under {@link Mapping#LOCK}.
 */
final class IdleDrops<E> {
    private final Map<String, E> entries = new LinkedHashMap<>();
    private final ToLongFunction<E> since;
    private final Function<E, StoreDir> storeOf;
    private final Consumer<E> drop;
    private final LongSupplier idleMillis;
    private boolean pending;

    /**
     * @param since      when an entry was kept (epoch milliseconds)
     * @param storeOf    the store an entry's region belongs to
     * @param drop       removes an entry and lets go of what it holds
     * @param idleMillis how long an entry may stay unused
     */
    IdleDrops(ToLongFunction<E> since, Function<E, StoreDir> storeOf, Consumer<E> drop, LongSupplier idleMillis) {
        this.since = since;
        this.storeOf = storeOf;
        this.drop = drop;
        this.idleMillis = idleMillis;
    }

    /** Keeps {@code e} under {@code name}, and makes sure a drop of idle entries is scheduled. */
    void put(String name, E e) {
        entries.put(name, e);
        schedule(idleMillis.getAsLong() + 50);
    }

    E get(String name) {
        return entries.get(name);
    }

    E remove(String name) {
        return entries.remove(name);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** The entries, oldest first. */
    Collection<E> values() {
        return entries.values();
    }

    /** The names, oldest first. */
    List<String> names() {
        return List.copyOf(entries.keySet());
    }

    private void schedule(long delayMillis) {
        if (!pending) {
            pending = Housekeeping.schedule(this::dropIdle, delayMillis);
        }
    }

    /** Drops the entries idle for longer than the idle time, and schedules the next drop if any remain. */
    void dropIdle() {
        Mapping.LOCK.lock();
        try {
            pending = false;
            long cutoff = Clock.millis() - idleMillis.getAsLong();
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
            Mapping.LOCK.unlock();
        }
    }

    /**
     * Drops every entry of {@code store}.
     *
     * @return whether there were any
     */
    boolean dropAll(StoreDir store) {
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

package dev.grove;

import java.time.Instant;
import java.util.Optional;

/**
 * A pin keeps a whole region alive, whatever processes come and go, until it is removed with
 * {@link #unpin()} (from any process of the user, by name: {@link RegionStore#unpin(String)}) or its
 * optional expiry passes. It is the way to keep data at rest: a reference stored in a cache, a queue or a
 * database row, a registered variable, a persistent store. {@code grove ls} shows each region's pins.
 */
public final class Pin {
    private final RegionStore store;
    private final String name;
    private final String region;
    private final Instant expires;

    Pin(RegionStore store, String name, String region, Instant expires) {
        this.store = store;
        this.name = name;
        this.region = region;
        this.expires = expires;
    }

    /** The pin's name, {@code <region name>.<16 hex digits>}: what {@link RegionStore#unpin(String)} takes. */
    public String name() {
        return name;
    }

    /** The path of the pinned region, {@code /grove_…}. */
    public String regionPath() {
        return "/" + region;
    }

    /** When the pin stops protecting the region, or empty if only {@link #unpin()} ends it. */
    public Optional<Instant> expires() {
        return Optional.ofNullable(expires);
    }

    /**
     * Removes the pin; the region is deleted at once if nothing else keeps it (no holder, lease or other
     * pin).
     *
     * @return whether the pin still existed
     */
    public boolean unpin() {
        return store.unpin(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pin p && p.name.equals(name) && p.store.equals(store);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}

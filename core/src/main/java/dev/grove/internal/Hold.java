package dev.grove.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One view's claim on its region. Released exactly once, explicitly ({@code close()}) or by the
 * {@link java.lang.ref.Cleaner} once the view is unreachable; it must not refer to the view, or the view
 * would never become unreachable.
 */
public final class Hold {
    private final Region region;
    private final AtomicBoolean released = new AtomicBoolean();
    /** The consumed-once ticket this hold releases when it is released, or 0 ({@link Mapping#open}). */
    private volatile long onceTicket;
    /** Where this hold was taken, when {@code -Dgrove.debug.holds=true}; null otherwise. */
    final Throwable origin;

    Hold(Region region) {
        this.region = region;
        this.origin = Region.DEBUG ? new Throwable("hold on /" + region.name() + " taken here") : null;
    }

    public Region region() {
        return region;
    }

    public boolean isReleased() {
        return released.get();
    }

    /** Releases the claim; later calls do nothing. */
    public void release() {
        // CAS so that an explicit close racing the Cleaner gives up the claim only once.
        if (released.compareAndSet(false, true)) {
            long ticket = onceTicket;
            if (ticket != 0) {
                // Before the hold (and with the last one, this process's lock) goes: the creator reuses the
                // region only once both the ticket is released and no process holds the region.
                Format.releaseOnce(region.mapping(), ticket);
            }
            region.releaseOne(this);
        }
    }

    /** Makes this hold the one whose release releases the consumed-once reference {@code ticket}. */
    void consumes(long ticket) {
        onceTicket = ticket;
    }
}

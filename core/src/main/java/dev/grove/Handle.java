package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Leases;
import dev.grove.internal.Regions;
import dev.grove.internal.Region;

import java.lang.ref.Cleaner;

/**
 * What every view carries: its path and its own claim on the region. The claim is released by
 * {@link #close()} or, as a safety net, by the Cleaner once the view is unreachable.
 */
final class Handle {
    private static final Cleaner CLEANER = Cleaner.create();

    private final String path;
    private final Hold hold;
    private final Cleaner.Cleanable cleanable;
    // Plain field on purpose: read on every element access. Another thread's close() is caught by the
    // arena (its access fails with IllegalStateException, translated by released()).
    private boolean closed;

    Handle(Object view, String path, Hold hold) {
        this.path = path;
        this.hold = hold;
        this.cleanable = CLEANER.register(view, hold::release); // must not capture the view
    }

    String path() {
        return path;
    }

    Region region() {
        return hold.region();
    }

    Hold hold() {
        return hold;
    }

    /** Throws if the view was closed. */
    void check() {
        if (closed) {
            throw released(null);
        }
    }

    boolean isOpen() {
        return !closed && !hold.isReleased();
    }

    RegionReleasedException released(Throwable cause) {
        return new RegionReleasedException("view used after release: path=" + path, cause);
    }

    /**
     * What a failed access to the mapping means: a value the format forbids (a boolean other than 0 or 1,
     * reported with this view's path), the view was released ({@link IllegalStateException} from a
     * closed arena), or the file shrank under the mapping, which the JVM reports as an {@link InternalError}
     * (the kernel's SIGBUS for a page past the end of the file).
     */
    GroveException fault(Throwable cause) {
        if (cause instanceof RegionCorruptException bad) {
            return new RegionCorruptException(bad.getMessage() + " path=" + path, bad);
        }
        if (cause instanceof InternalError) {
            return new RegionCorruptException("region file truncated or unreadable while mapped: path=" + path, cause);
        }
        return released(cause);
    }

    /** A new claim on the same region, for a sub-view this view hands out. */
    Hold acquire() {
        check();
        return hold.region().acquire();
    }

    SharedRef ref(Delivery delivery) {
        check();
        Region r = region();
        long lease = r.store().leaseMillis();
        if (delivery == Delivery.ONCE) {
            long ticket = Regions.claimOnce(r, lease);
            if (ticket != 0) {
                return RegionStore.refTo(r, path, ticket);
            }
        }
        Leases.extend(r, lease);
        return RegionStore.refTo(r, path, 0);
    }

    void close() {
        closed = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return path;
    }
}

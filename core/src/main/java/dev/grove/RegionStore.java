package dev.grove;

import dev.grove.internal.PathSyntax;
import dev.grove.internal.Regions;
import dev.grove.internal.Store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of region files and what this process knows about it: where it is, how much room it has,
 * which regions it holds, and the housekeeping {@code grove gc} does. Today every region lives in the
 * default store ({@code /dev/shm/grove-<user>}, or {@code -Dgrove.store} / {@code GROVE_STORE}); stores
 * opened on other directories, each with its own policies, are the next step.
 *
 * <p>Thread-safe; holds no resources of its own.
 */
public final class RegionStore {
    private static final RegionStore DEFAULT = new RegionStore(Store.defaultStore());

    private final Store store;

    private RegionStore(Store store) {
        this.store = store;
    }

    /** The store {@link Grove}'s static methods use. */
    public static RegionStore defaultStore() {
        return DEFAULT;
    }

    /** The store's directory. */
    public Path directory() {
        return store.directory();
    }

    /** Bytes free on the store's file system, for an unprivileged writer. */
    public long freeBytes() {
        return store.freeBytes();
    }

    /** Names of the region files in the store now (sealed, being written, or kept for reuse), from any process. */
    public List<String> regionNames() {
        return store.regionNames();
    }

    /** Names of the regions this process maps now. */
    public List<String> mappedHere() {
        return Regions.mappedHere();
    }

    /**
     * The file that holds the region a reference path names, whether or not it still exists.
     *
     * @throws InvalidPathException if {@code path} is not a reference path
     */
    public Path file(String path) {
        return store.file(PathSyntax.parse(path).name());
    }

    /**
     * Deletes every region file no process holds and no lease protects, and this process's released
     * regions kept for reuse; what {@code grove gc} does (files still being written are left alone for a
     * grace period).
     *
     * @return names of the regions deleted
     */
    public List<String> sweep() {
        Regions.dropSpares(store);
        return Regions.sweep(store, Regions.DEFAULT_GRACE_MILLIS);
    }

    /**
     * Waits until this process maps no region and a sweep leaves no region file, collecting garbage (views
     * nobody closed) and sweeping as it goes: a leak check for the end of a test suite.
     *
     * @return what is left after {@code timeout}: empty if the store became empty, otherwise one entry per
     *         region, {@code mapped-here=NAME} or {@code file=NAME}
     */
    public List<String> awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left = leftovers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (mappedHere().isEmpty()) {
                sweep();
            }
            left = leftovers();
        }
        return left;
    }

    private List<String> leftovers() {
        List<String> left = new ArrayList<>();
        mappedHere().forEach(n -> left.add("mapped-here=" + n));
        regionNames().forEach(n -> left.add("file=" + n));
        return left;
    }

    @Override
    public String toString() {
        return store.toString();
    }
}

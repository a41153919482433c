package dev.grove.test;

import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.util.List;

/** Checks that tests leave nothing behind: no mapping in this process and no region file in the store. */
public final class Leaks {
    private Leaks() {
    }

    /**
     * Waits (collecting garbage) until this process maps no region, then until no unleased region file
     * remains after a sweep. Released regions this process keeps for reuse are deleted first: they are a
     * bounded cache, not a leak (their own lifetime is tested in {@code RecyclingTest}). Fails naming what
     * is left, after {@code seconds} or {@link Await#DEFAULT_SECONDS}, whichever is longer.
     */
    public static void assertNoRegionsLeft(int seconds) {
        seconds = Math.max(seconds, Await.DEFAULT_SECONDS); // reached only when something leaked: be generous
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        StoreDir store = StoreDir.defaultStore();
        List<String> mapped;
        List<String> files;
        do {
            System.gc();
            sleep(50);
            mapped = Regions.mappedHere();
            if (mapped.isEmpty()) {
                Regions.dropSpares(store);
                Regions.sweep(store, Regions.DEFAULT_GRACE_MILLIS);
            }
            files = store.regionNames();
        } while ((!mapped.isEmpty() || !files.isEmpty()) && System.nanoTime() < deadline);
        if (!mapped.isEmpty() || !files.isEmpty()) {
            for (String name : mapped) {
                for (Throwable origin : Regions.holdOrigins(name)) {
                    origin.printStackTrace();
                }
            }
            throw new AssertionError("regions left behind: mapped here=" + mapped + " files in " + store + "=" + files);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

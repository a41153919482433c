package dev.grove;

import dev.grove.internal.Config;

import java.nio.file.Path;

/**
 * Where {@link Grove}'s {@code share} and {@code allocate} put a region: the default store, or, for regions of
 * at least {@code grove.disk.threshold} bytes, the disk store {@code grove.disk.dir} (exm's
 * {@code EXM_THRESHOLD} and {@code TMPDIR}). Read on every call, so a program may change them as it goes.
 */
final class Placement {
    static final String THRESHOLD = Config.DISK_THRESHOLD;
    static final String DIR = Config.DISK_DIR;

    private Placement() {
    }

    /** The store for a region of {@code bytes} bytes. */
    static RegionStore storeFor(long bytes) {
        long threshold = threshold();
        if (threshold < 0 || bytes < threshold) {
            return RegionStore.defaultStore();
        }
        String dir = Config.diskDirectory();
        if (dir == null) {
            throw new StoreException("a disk threshold is set but no disk store: " + THRESHOLD + "=" + threshold
                    + " " + DIR + "=(unset; set it, or GROVE_DISK_DIR, to a directory on the disk to use)");
        }
        return RegionStore.open(Path.of(dir));
    }

    /** The threshold in bytes, or -1 when placement on disk is off. */
    static long threshold() {
        return Config.diskThreshold();
    }
}

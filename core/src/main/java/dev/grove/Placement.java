package dev.grove;

import java.nio.file.Path;

/**
 * Where {@link Grove}'s {@code share} and {@code allocate} put a region: the default store, or, for regions of
 * at least {@code grove.disk.threshold} bytes, the disk store {@code grove.disk.dir} (exm's
 * {@code EXM_THRESHOLD} and {@code TMPDIR}). Read on every call, so a program may change them as it goes.
 */
final class Placement {
    static final String THRESHOLD = "grove.disk.threshold";
    static final String DIR = "grove.disk.dir";

    private Placement() {
    }

    /** The store for a region of {@code bytes} bytes. */
    static RegionStore storeFor(long bytes) {
        long threshold = threshold();
        if (threshold < 0 || bytes < threshold) {
            return RegionStore.defaultStore();
        }
        String dir = setting(DIR, "GROVE_DISK_DIR");
        if (dir == null || dir.isBlank()) {
            throw new StoreException("a disk threshold is set but no disk store: " + THRESHOLD + "=" + threshold
                    + " " + DIR + "=(unset; set it, or GROVE_DISK_DIR, to a directory on the disk to use)");
        }
        return RegionStore.open(Path.of(dir));
    }

    /** The threshold in bytes, or -1 when placement on disk is off. */
    static long threshold() {
        String t = setting(THRESHOLD, "GROVE_DISK_THRESHOLD");
        if (t == null || t.isBlank()) {
            return -1;
        }
        String v = t.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new StoreException("not a size in bytes: " + THRESHOLD + "=" + t + " (a number, optionally with k, m or g)");
        }
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }
}

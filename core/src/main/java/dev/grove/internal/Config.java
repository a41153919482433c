package dev.grove.internal;

import dev.grove.StoreException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Every setting Grove takes from its process: the {@code grove.*} system properties and {@code GROVE_*}
 * environment variables are read here and nowhere else (an architecture rule checks it), and
 * docs/CONFIGURATION.md lists them in one table. Why one place: a setting read in several files drifts
 * (two defaults, two parsers, two ideas of when it is read), and a reader looking for what can be tuned
 * finds it all here.
 *
 * <p>When each is read matters, so it is part of each method's contract: most are read every time they are
 * needed, so that a program (or a test) may change them as it goes; the warm pool's and the debugging switch
 * are read once, when the process first uses Grove. A value that does not parse is refused by {@link #check},
 * which runs when a store is first opened and names every such setting; a reader given one later (set after
 * that check) logs a warning and uses the default rather than failing a release or an exit. The disk
 * threshold is the exception: {@code share} and {@code allocate} read it, and refuse a bad one.
 */
public final class Config {
    /** The default store's directory. */
    public static final String STORE = "grove.store";
    /** How long a reference handed out keeps its region, in seconds. */
    public static final String LEASE_SECONDS = "grove.lease.seconds";
    /** The size from which {@code share} and {@code allocate} put regions in the disk store. */
    public static final String DISK_THRESHOLD = "grove.disk.threshold";
    /** The disk store's directory. */
    public static final String DISK_DIR = "grove.disk.dir";

    private Config() {
    }

    /** The default store's directory as configured ({@code grove.store}, else {@code GROVE_STORE}), or null. */
    public static Path storeDirectory() {
        String configured = setting(STORE, "GROVE_STORE");
        return configured == null ? null : Path.of(configured).toAbsolutePath();
    }

    /**
     * Where the default store goes when none is configured: {@code /dev/shm}, or {@code java.io.tmpdir} where
     * that does not exist.
     */
    static Path temporaryBase() {
        Path shm = Path.of("/dev/shm");
        return java.nio.file.Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The user's name, for the default store's directory and namespace registrations ({@code "?"} if unknown). */
    public static String userName() {
        return System.getProperty("user.name", "?");
    }

    /** {@code grove.lease.seconds} (default 60) in milliseconds; read on every call. */
    public static long leaseMillis() {
        return millis(LEASE_SECONDS, 60, false);
    }

    /**
     * {@code grove.lease.seconds} as set, or null: a helper process this one starts (a reaper) gets the same
     * value passed on.
     */
    static String leaseSecondsAsSet() {
        return System.getProperty(LEASE_SECONDS);
    }

    /** {@code grove.checksum} (default true): whether a store opened (or described) now checksums the regions it seals. */
    public static boolean checksum() {
        return flag("grove.checksum", true, false);
    }

    /** {@code grove.recycle.bytes} (default 1 GiB): the spare budget of a store opened without one; read on every call. */
    static long recycleBytes() {
        return bytes("grove.recycle.bytes", 1L << 30, false);
    }

    /** {@code grove.recycle.seconds} (default 5): how long a spare unused is kept; read on every call. */
    static long recycleIdleMillis() {
        return millis("grove.recycle.seconds", 5, false);
    }

    /** {@code grove.warm.bytes} (default 1 GiB): the most the warm pool keeps mapped; {@link Warm} reads it once. */
    static long warmBytes() {
        return bytes("grove.warm.bytes", 1L << 30, false);
    }

    /** {@code grove.warm.seconds} (default 2, 0 turns the pool off); {@link Warm} reads it once. */
    static long warmIdleMillis() {
        return millis("grove.warm.seconds", 2, false);
    }

    /** {@code grove.reaper} (default true): whether an exiting process leaves a reaper for its leased regions. */
    static boolean reaper() {
        return flag("grove.reaper", true, false);
    }

    /** {@code grove.debug.holds} (default false): check every hold against the kernel's locks; read once. */
    static boolean debugHolds() {
        return flag("grove.debug.holds", false, false);
    }

    /**
     * {@code grove.lazy.writerWaitMillis}: how long a lazy store's commit waits for another process's commit;
     * read when a transaction first writes.
     */
    public static long lazyWriterWaitMillis(long byDefault) {
        return count("grove.lazy.writerWaitMillis", byDefault, false);
    }

    /**
     * {@code grove.disk.threshold} (else {@code GROVE_DISK_THRESHOLD}) in bytes, with an optional k, m or g;
     * -1 when unset (placement on disk off). Read on every call, by {@code share} and {@code allocate}, which
     * fail naming it if it does not parse: unlike a release, they are calls a program expects to refuse.
     */
    public static long diskThreshold() {
        return diskThreshold(true);
    }

    private static long diskThreshold(boolean strict) {
        String t = setting(DISK_THRESHOLD, "GROVE_DISK_THRESHOLD");
        return t == null ? -1 : size(DISK_THRESHOLD, t, -1, strict);
    }

    /** {@code grove.disk.dir} (else {@code GROVE_DISK_DIR}), or null; read on every call. */
    public static String diskDirectory() {
        return setting(DISK_DIR, "GROVE_DISK_DIR");
    }

    /**
     * Checks every setting that is set, and fails naming each one that does not parse: called when a store
     * directory is first opened in the process, so that a typo stops the program at its first use of Grove.
     * The readers above never fail (a release, an exit or a class's initialisation is no place to refuse):
     * given a value that does not parse, as one set after this check, they log a warning and use the default.
     *
     * @throws StoreException naming every setting that does not parse, as {@code setting=value}
     */
    public static void check() {
        java.util.List<String> bad = new java.util.ArrayList<>();
        for (Runnable read : java.util.List.<Runnable>of(
                () -> millis(LEASE_SECONDS, 60, true), () -> flag("grove.checksum", true, true),
                () -> bytes("grove.recycle.bytes", 0, true), () -> millis("grove.recycle.seconds", 5, true),
                () -> bytes("grove.warm.bytes", 0, true), () -> millis("grove.warm.seconds", 2, true),
                () -> flag("grove.reaper", true, true), () -> flag("grove.debug.holds", false, true),
                () -> count("grove.lazy.writerWaitMillis", 0, true), () -> diskThreshold(true))) {
            try {
                read.run();
            } catch (StoreException e) {
                bad.add(e.getMessage());
            }
        }
        if (!bad.isEmpty()) {
            throw new StoreException(String.join("; ", bad));
        }
    }

    /**
     * Keeps Chronicle Map from phoning home (its analytics and announcer) unless the user said otherwise. Must run
     * before any Chronicle class loads.
     */
    static void quietChronicle() {
        for (String p : new String[] {"chronicle.analytics.disable", "chronicle.announcer.disable"}) {
            if (System.getProperty(p) == null) {
                System.setProperty(p, "true");
            }
        }
    }

    /** The command that started this JVM, for starting another like it (a reaper, the demo's second process). */
    public static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This JVM's class path. */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** Whether the JVM runs on x86-64 (some system call constants differ from other architectures). */
    static boolean x86() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) || "x86_64".equals(arch);
    }

    /**
     * A property, else the environment variable, else null; blank means null. A blank {@code grove.store} falls
     * through to {@code GROVE_STORE}; a blank {@code grove.disk.*} turns disk placement off, whatever the
     * environment says (as the property always took precedence).
     */
    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || (v.isBlank() && property.equals(STORE))) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static boolean flag(String property, boolean byDefault, boolean strict) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> refuse(property, v, "true or false", byDefault, strict);
        };
    }

    private static long millis(String property, double defaultSeconds, boolean strict) {
        long byDefault = Math.round(defaultSeconds * 1000);
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= 0) || seconds > Long.MAX_VALUE / 1000.0) {
            return refuse(property, v, "seconds, 0 or more (0.5 for half a second)", byDefault, strict);
        }
        return Math.round(seconds * 1000);
    }

    private static long bytes(String property, long byDefault, boolean strict) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? byDefault : size(property, v, byDefault, strict);
    }

    /** A whole number, 0 or more, without a unit. */
    private static long count(String property, long byDefault, boolean strict) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        return refuse(property, v, "a whole number, 0 or more", byDefault, strict);
    }

    /** A count, optionally with k, m or g (binary: 1k is 1024). */
    private static long size(String property, String value, long byDefault, boolean strict) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (n >= 0) {
                return Math.multiplyExact(n, unit);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // refused below
        }
        return refuse(property, value, "a number, 0 or more, optionally with k, m or g", byDefault, strict);
    }

    /** A value that does not parse: refused when checking, else the default, with a warning. */
    private static <T> T refuse(String property, String value, String expected, T byDefault, boolean strict) {
        String what = "not a valid setting: " + property + "=" + value + " (expected " + expected + ")";
        if (strict) {
            throw new StoreException(what + "; fix or unset it (a system property, or its GROVE_ variable)");
        }
        System.getLogger("dev.grove").log(System.Logger.Level.WARNING, what + "; using the default, " + byDefault);
        return byDefault;
    }
}

package dev.grove.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process that frees a store's regions after the last Grove process using them has exited while
 * leases still ran. A process exiting with such regions starts it (detached, with the JDK's own launcher
 * and Grove's classes); it takes the store's {@value #LOCK_FILE} lock (so at most one runs per store: a
 * second one waits two seconds for the lock, in case the first is about to leave, then exits), sweeps, and
 * sleeps until the next lease or grace period among the unheld files ends, until nothing is left to wait
 * for. Regions other processes hold are theirs to free. {@code -Dgrove.reaper=false} turns it off.
 */
public final class Reaper {
    /** The store file whose exclusive lock the running reaper holds. */
    static final String LOCK_FILE = ".grove-reaper-lock";
    /** A reaper never lives longer than this, whatever leases say. */
    private static final long MAX_LIFE_MILLIS = 6 * 3600_000L;

    private Reaper() {
    }

    /** Whether exiting processes start a reaper ({@code grove.reaper}, on by default). */
    static boolean enabled() {
        return Config.reaper();
    }

    /** Starts a reaper for {@code store}, detached; failures are logged, never thrown (this runs at exit). */
    static void start(StoreDir store) {
        String java = Config.javaCommand();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx32m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dgrove.reaper=false"));
        if (Config.leaseSecondsAsSet() != null) { // the value this process uses, checked, not the text as set
            cmd.add("-Dgrove.lease.seconds=" + Config.leaseMillis() / 1000.0);
        }
        try {
            String classes = Path.of(Reaper.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            cmd.addAll(List.of("-cp", classes, Reaper.class.getName(), store.directory().toString()));
            new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            Housekeeping.log(System.Logger.Level.WARNING, "could not start a reaper for store=" + store
                    + "; its leased regions wait for the next Grove process to sweep", e);
        }
    }

    /** Runs a reaper for the store directory {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        StoreDir store = StoreDir.openExistingToSweep(Path.of(args[0]));
        try (RegionFile lock = store.lockFile(LOCK_FILE, "reaper lock file")) {
            if (!takeWithin(lock, 2_000)) {
                return; // another reaper serves this store
            }
            long end = Clock.millis() + MAX_LIFE_MILLIS;
            while (Clock.millis() < end) {
                Deletion.sweep(store, Deletion.DEFAULT_GRACE_MILLIS);
                long next = nextDeadline(store);
                if (next < 0) {
                    return;
                }
                Thread.sleep(Math.max(20, Math.min(next, end) - Clock.millis() + 20));
            }
        }
    }

    private static boolean takeWithin(RegionFile lock, long millis) throws Exception {
        long until = Clock.millis() + millis;
        while (!lock.tryLock(true)) {
            if (Clock.millis() > until) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * The earliest time at which a region file nobody holds becomes deletable (its lease, or its grace
     * period if unsealed), or -1 if no such file waits.
     */
    private static long nextDeadline(StoreDir store) {
        long next = -1;
        for (String name : store.regionNames()) {
            try (RegionFile f = RegionFile.open(store.file(name))) {
                if (f.lockedElsewhere() || Pins.pinned(store.directory(), name)) {
                    continue;
                }
                // A lease ends at the file's time (or a ticket's deadline); an unsealed file's grace period ends later. A file past
                // both that the sweep kept is kept for a reason waiting does not change (a retained store).
                long now = Clock.millis();
                Native.Stat st = f.stat();
                long mtime = st.mtimeMillis();
                long keep = Deletion.keepsUntil(f, st); // the lease, or a consumed-once reference's deadline
                long when = keep > now ? keep : mtime + Deletion.DEFAULT_GRACE_MILLIS;
                if (when > now) {
                    next = next < 0 ? when : Math.min(next, when);
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not a region file: nothing to wait for
            }
        }
        return next;
    }
}

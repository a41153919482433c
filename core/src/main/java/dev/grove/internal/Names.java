package dev.grove.internal;

import dev.grove.StoreException;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The directory of namespace variables of one store: a Chronicle Map persisted in the store directory,
 * from {@code namespace/variable} to the registration (reference, type, size, who and when), and the rules
 * that keep it consistent with the regions it names whatever process dies where.
 *
 * <p>The truth is the registration pins ({@link Pins#pin(StoreDir, String, java.util.function.Function)}: a pin file holding the
 * registration's text, which keeps its region alive). The map is an index of them, for lookups in
 * microseconds. Chronicle Map's own locks live in shared memory and are not released when a process dies
 * inside an update (a known failure of it), so Grove never relies on them: every access to the map, read or
 * write, from any process, runs under an exclusive open file description lock on {@value #LOCK_FILE}, which
 * the kernel drops when its holder dies. Inside the lock, a <em>dirty</em> word is set before the map is
 * touched and cleared after; whoever takes the lock and finds it set knows its last holder died inside the map
 * (or between a pin and its entry), and rebuilds the map from the pins into a new file, a new
 * <em>generation</em>, instead of touching the old one. Other processes see the new generation number at their
 * next access and reopen. Every registration and unregistration writes its pin (or deletes it) under the same
 * lock, so the pins and the map agree whenever the word is clear.
 *
 * <p>This is the only class that loads Chronicle Map, and only namespaces load this class: sharing, mapping
 * and the serializers never start Chronicle Map's code generation, its threads or its flags' checks.
 */
public final class Names {
    /** The store file whose lock serialises every access to the directory, and whose bytes hold its state. */
    public static final String LOCK_FILE = ".grove-names.lock";
    private static final String MAP_PREFIX = ".grove-names.";
    private static final String MAP_SUFFIX = ".cm";
    private static final long GENERATION = 0;
    private static final long DIRTY = 8;
    private static final long STATE_BYTES = 16;

    /** JVM options Chronicle Map needs on JDK 17+ (it reaches into the JDK); without them opening fails. */
    public static final List<String> JVM_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true");

    static {
        // Grove never phones home: Chronicle's analytics and announcer stay off unless the user said otherwise,
        // set before any of its classes load (this class is the only way in).
        Config.quietChronicle();
    }


    private final StoreDir store;
    /** Threads of this process: the file lock belongs to one shared descriptor, not to a thread. */
    private final ReentrantLock local = new ReentrantLock();
    private final RegionFile lockFile;
    private final MemorySegment state;
    private ChronicleMap<CharSequence, CharSequence> map;
    private long generation;

    private Names(StoreDir store) {
        this.store = store;
        this.lockFile = store.lockFile(LOCK_FILE, "namespace lock file");
        try {
            lockFile.lock(true);
            try {
                if (lockFile.stat().size() < STATE_BYTES) {
                    lockFile.truncate(STATE_BYTES); // zeros: generation 0 (none yet), clean
                }
            } finally {
                lockFile.unlock();
            }
            this.state = lockFile.map(STATE_BYTES, true, Arena.ofShared());
        } catch (IOException e) {
            lockFile.close();
            throw new StoreException("cannot open the namespace directory: store=" + store + " error=" + e, e);
        }
    }

    /** The directory of {@code store}, opened once per process. */
    public static Names of(StoreDir store) {
        return LocalRegions.PROCESS.names.computeIfAbsent(store.directory(), d -> new Names(store));
    }

    /** How many times this process rebuilt a directory (first creations included). */
    public static long rebuilds() {
        return LocalRegions.PROCESS.namesRebuilds.get();
    }

    /** What an operation sees: the map, under the lock. Keys are {@link #key}s, values registration texts. */
    public interface Access {
        ChronicleMap<CharSequence, CharSequence> map();

        StoreDir store();

        /**
         * Says the operation is about to change pins or the map: from here on, a failure of any kind leaves
         * the dirty word set, so that the next access rebuilds instead of trusting a half-made change.
         */
        void changing();
    }

    /**
     * Runs {@code op} with the directory locked for this process and every other, the map current and
     * consistent with the pins. If {@code op} fails with a {@link dev.grove.GroveException} before it said
     * {@link Access#changing()} (a name that exists, say), the map is taken as untouched; any other failure,
     * or any failure after that, leaves the dirty word set, so the next access rebuilds.
     */
    public <T> T run(Function<Access, T> op) {
        local.lock();
        try {
            lockFile.lock(true);
            try {
                prepare();
                state.set(Format.U64, DIRTY, 1L);
                T result;
                boolean[] changing = new boolean[1];
                try {
                    result = op.apply(new Access() {
                        public ChronicleMap<CharSequence, CharSequence> map() {
                            return map;
                        }

                        public StoreDir store() {
                            return store;
                        }

                        public void changing() {
                            changing[0] = true;
                        }
                    });
                } catch (dev.grove.GroveException | IllegalArgumentException e) {
                    if (!changing[0]) {
                        state.set(Format.U64, DIRTY, 0L);
                    }
                    throw e;
                }
                state.set(Format.U64, DIRTY, 0L);
                return result;
            } finally {
                lockFile.unlock();
            }
        } catch (IOException e) {
            throw new StoreException("cannot lock the namespace directory: store=" + store + " error=" + e, e);
        } finally {
            local.unlock();
        }
    }

    /** Under the lock: makes {@link #map} the current generation, rebuilding it if its last user died inside. */
    private void prepare() {
        long gen = state.get(Format.U64, GENERATION);
        boolean dirty = state.get(Format.U64, DIRTY) != 0;
        if (gen == 0 || dirty) {
            if (dirty) {
                Housekeeping.log(System.Logger.Level.WARNING, "namespace directory left mid-update by a process that died;"
                        + " rebuilding it from the registration pins: store=" + store + " generation=" + gen, null);
            }
            rebuild(gen + 1);
            return;
        }
        if (map == null || generation != gen) {
            closeMap();
            try {
                map = open(gen);
                generation = gen;
            } catch (MisconfiguredException e) {
                throw e; // this JVM cannot open any directory: nothing to rebuild, and others' files stay
            } catch (RuntimeException e) {
                Housekeeping.log(System.Logger.Level.WARNING, "namespace directory unreadable, rebuilt from the"
                        + " registration pins: store=" + store + " generation=" + gen, e);
                rebuild(gen + 1);
            }
        }
    }

    /**
     * Makes generation {@code gen} from the registration pins: one entry per pin whose region still exists
     * (pins of vanished regions are removed; of two pins for one name, from a replacement cut short, the
     * later registration wins and the other pin goes). The dirty word stays set until the caller's operation
     * ends, so a death here only makes the next process rebuild again.
     */
    private void rebuild(long gen) {
        LocalRegions.PROCESS.namesRebuilds.incrementAndGet();
        closeMap();
        state.set(Format.U64, DIRTY, 1L);
        deleteMapFiles();
        Pins.dropTemporary(store.directory());
        ChronicleMap<CharSequence, CharSequence> fresh = open(gen);
        Map<String, Registration> winners = new java.util.HashMap<>();
        for (Pins.Pin p : Pins.all(store.directory())) {
            Registration r = Registration.ofPin(store.directory(), p.name());
            if (r == null) {
                continue; // an ordinary pin
            }
            if (!Files.exists(store.file(p.region()))) {
                Pins.unpin(store, p.name());
                continue;
            }
            String k = key(r.namespace(), r.variable());
            Registration before = winners.get(k);
            if (before != null) {
                Registration loser = before.registeredMillis() <= r.registeredMillis() ? before : r;
                Pins.unpin(store, loser.pin());
                Deletion.deleteIfFree(store, loser.regionName());
                if (loser == r) {
                    continue;
                }
            }
            winners.put(k, r);
        }
        winners.forEach((k, r) -> {
            try {
                fresh.put(k, r.text());
            } catch (RuntimeException e) {
                // One entry the map cannot hold must not make every namespace of the store unusable.
                Housekeeping.log(System.Logger.Level.WARNING, "registration dropped while rebuilding (the directory cannot"
                        + " hold it): namespace=" + r.namespace() + " variable.length=" + r.variable().length(), e);
                Pins.unpin(store, r.pin());
                Deletion.deleteIfFree(store, r.regionName());
            }
        });
        map = fresh;
        generation = gen;
        state.set(Format.U64, GENERATION, gen);
    }

    private ChronicleMap<CharSequence, CharSequence> open(long gen) {
        File f = store.file(MAP_PREFIX + gen + MAP_SUFFIX).toFile();
        try {
            return ChronicleMap.of(CharSequence.class, CharSequence.class)
                    .name("grove-names")
                    .averageKeySize(48)
                    .averageValueSize(320)
                    .entries(20_000)
                    .maxBloatFactor(50)
                    .createPersistedTo(f);
        } catch (IOException e) {
            throw new StoreException("cannot open the namespace directory: path=" + f + " error=" + e, e);
        } catch (LinkageError | java.lang.reflect.InaccessibleObjectException e) {
            throw new MisconfiguredException("cannot load Chronicle Map for the namespace directory (it needs these"
                    + " JVM options: " + String.join(" ", JVM_OPTIONS) + "): path=" + f + " error=" + e, e);
        }
    }

    /** This JVM cannot run Chronicle Map (missing options or classes): not a damaged directory. */
    static final class MisconfiguredException extends StoreException {
        private static final long serialVersionUID = 1L;

        MisconfiguredException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void closeMap() {
        if (map != null) {
            try {
                map.close();
            } catch (RuntimeException e) {
                Housekeeping.log(System.Logger.Level.DEBUG, "closing an old namespace directory failed: store=" + store, e);
            }
            map = null;
        }
    }

    /** Deletes every generation's file; only under the lock, while rebuilding. */
    private void deleteMapFiles() {
        try (Stream<Path> files = Files.list(store.directory())) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(MAP_PREFIX) && n.endsWith(MAP_SUFFIX)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot clear old namespace directories: store=" + store + " error=" + e, e);
        }
    }

    /** The map key of a variable: unambiguous for any names (the namespace's length comes first). */
    public static String key(String namespace, String variable) {
        return namespace.length() + ":" + namespace + variable;
    }

    /** The key prefix shared by every variable of {@code namespace}. */
    public static String prefix(String namespace) {
        return namespace.length() + ":" + namespace;
    }
}

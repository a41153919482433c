package dev.grove.internal;

import dev.grove.StoreException;
import dev.grove.StoreFullException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A store's directory as this process knows it: one instance per directory, holding its policies and what was
 * checked about it (owner, mode, whether it is in memory); the API's {@code RegionStore} is a view of one. By
 * default a per-user directory under {@code /dev/shm} (RAM-backed), or any directory on disk. The directory must
 * belong to the calling user and be closed to group and others; region files in it are created exclusively
 * with mode 0600.
 *
 * <p>The default store is chosen by the system property {@code grove.store}, else the environment variable
 * {@code GROVE_STORE}, else {@code /dev/shm/grove-<user>} (or {@code <java.io.tmpdir>/grove-<user>} where
 * there is no {@code /dev/shm}); {@link #defaultStore()} holds the process's one instance of it.
 */
public final class StoreDir {
    /** Prefix of every region file name; the rest is the creator's pid and 64 random bits, in hex. */
    public static final String NAME_PREFIX = "grove_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** Mode 0600 at creation, for the store's marker, lock and pin files. */
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** This process's uid, read once: every store, region and lease lock file is checked against it. */
    private static final int UID = Native.uid();
    /** Seeded on first use: only creating regions needs it, and seeding costs a fresh JVM's first map ~20 ms. */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    /**
     * A store's policies. A null lease or recycling budget follows the system property
     * ({@code grove.lease.seconds}, {@code grove.recycle.bytes}) each time it is read, as the default store does.
     */
    public record Settings(Long leaseMillis, Long recycleBytes, boolean checksum, boolean retained) {
        /** What the default store uses: the system properties, read when needed. */
        public static Settings fromSystemProperties() {
            return new Settings(null, null, Config.checksum(), false);
        }
    }

    /**
     * The file whose presence makes a store *retained*: its sealed regions are kept after the last holder
     * and lease, until deleted explicitly. A file, not a setting, so every process (a sweep, {@code grove gc},
     * a reaper) honours it whatever it was told.
     */
    public static final String RETAINED_MARKER = ".grove-retained";

    private final Path dir;
    private final Settings settings;
    private final boolean inMemory;
    /** The file system holding the store, looked up once (finding it reads the mount table). */
    private final FileStore fileSystem;

    private StoreDir(Path dir, Settings settings) {
        this.dir = dir;
        this.settings = settings;
        FileStore fs;
        try {
            fs = Files.getFileStore(dir);
        } catch (IOException e) {
            fs = null;
        }
        this.fileSystem = fs;
        this.inMemory = fs != null && "tmpfs".equals(fs.type());
    }

    /**
     * Whether the store is RAM-backed (tmpfs). Only then are a new region's pages mapped up front: on disk
     * that would pull a region larger than RAM through the page cache at once.
     */
    public boolean inMemory() {
        return inMemory;
    }

    /** The store chosen by configuration, created and checked on first use. */
    public static StoreDir defaultStore() {
        return LocalRegions.PROCESS.defaultStore(() -> open(configuredDirectory()));
    }

    /** The directory configuration points at, without creating or checking it. */
    public static Path configuredDirectory() {
        Path configured = Config.storeDirectory();
        if (configured != null) {
            return configured;
        }
        String user = Config.userName();
        String suffix = NAME.matcher(user).matches() ? user : Integer.toString(UID);
        return Config.temporaryBase().resolve("grove-" + suffix);
    }

    /** Opens (creating if absent, mode 0700) and checks the store at {@code dir}, with the default settings. */
    public static StoreDir open(Path dir) {
        return open(dir, null, true);
    }

    /**
     * Opens (creating if absent, mode 0700) and checks the store at {@code dir} with {@code settings}.
     *
     * @throws StoreException if this process already opened the directory with other settings
     */
    public static StoreDir open(Path dir, Settings settings) {
        return open(dir, settings, true);
    }

    /**
     * The store at {@code dir}, which must exist and pass the owner and mode checks: how a reference into a
     * store this process has not opened finds it. Never creates a directory.
     */
    public static StoreDir openExisting(Path dir) {
        return open(dir, null, false);
    }

    /**
     * As {@link #openExisting}, without the settings check: for the reaper, which runs after its parent has
     * exited and must sweep whatever the settings it inherited say (a bad one was the parent's to report).
     */
    static StoreDir openExistingToSweep(Path dir) {
        return open(dir, null, false, false);
    }

    private static StoreDir open(Path dir, Settings settings, boolean create) {
        return open(dir, settings, create, true);
    }

    private static StoreDir open(Path dir, Settings settings, boolean create, boolean checkSettings) {
        Path abs = dir.toAbsolutePath().normalize();
        StoreDir known = LocalRegions.PROCESS.stores.get(abs);
        if (known != null) {
            if (settings != null && !settings.equals(known.settings)) {
                throw new StoreException("store already open in this process with other settings: store=" + abs
                        + " open=" + known.settings + " requested=" + settings);
            }
            return known;
        }
        if (checkSettings) {
            Config.check(); // a store's first open in the process: settings that do not parse stop it here
        }
        if (create) {
            privateDirectory(abs, "store directory");
        } else if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("no such store directory: store=" + abs);
        } else {
            checkDirectory(abs, "store directory");
        }
        if (settings != null && settings.retained()) {
            try {
                Files.createFile(abs.resolve(RETAINED_MARKER), PRIVATE_FILE);
            } catch (FileAlreadyExistsException e) {
                // retained already
            } catch (IOException e) {
                throw new StoreException("cannot mark store as retained: store=" + abs + " error=" + e, e);
            }
        }
        StoreDir s = LocalRegions.PROCESS.stores.computeIfAbsent(abs,
                d -> new StoreDir(d, settings != null ? settings : Settings.fromSystemProperties()));
        if (abs.equals(configuredDirectory().normalize())) {
            // Opened by name before the default store was asked for: it is the default all the same, so its
            // references leave the directory out whichever came first.
            LocalRegions.PROCESS.defaultStore(() -> s);
        }
        return s;
    }

    /**
     * Creates directory {@code p} (mode 0700) unless it exists, then checks it: the store itself, or a
     * directory inside it such as the pins'.
     */
    static void privateDirectory(Path p, String kind) {
        try {
            Files.createDirectory(p, PRIVATE_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            // Someone created it first: the checks decide whether it is ours.
        } catch (IOException e) {
            throw new StoreException("cannot create " + kind + ": path=" + p + " error=" + e, e);
        }
        checkDirectory(p, kind);
    }

    /**
     * Refuses a directory of a store that is a symbolic link, belongs to another uid, or is open to group or
     * others. Grove never shares data with other users through the store.
     */
    static void checkDirectory(Path p, String kind) {
        try {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new StoreException(kind + " has the wrong file type (symbolic link or special file): path=" + p);
            }
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            checkOwnerAndMode(kind, p, owner, mode & 0777, "rwx------", "700");
        } catch (IOException e) {
            throw new StoreException("cannot check " + kind + ": path=" + p + " error=" + e, e);
        }
    }

    /**
     * The same check for a file already open (a region, the lease lock): what is checked is what was opened,
     * whatever the path names now.
     */
    static void checkOwnedAndPrivate(RegionFile f, String kind) {
        try {
            Native.Stat st = f.openedStat();
            checkOwnerAndMode(kind, f.path(), st.uid(), st.permissions(), "rw-------", "600");
        } catch (IOException e) {
            throw new StoreException("cannot check " + kind + ": path=" + f.path() + " error=" + e, e);
        }
    }

    /** Permission bits as {@code ls} shows them, such as {@code rw-------}. */
    private static String modeString(int bits) {
        StringBuilder sb = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((bits & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
        }
        return sb.toString();
    }

    private static void checkOwnerAndMode(String kind, Path p, int owner, int mode, String expected, String chmod) {
        if (owner != UID) {
            throw new StoreException(kind + " belongs to another user: path=" + p + " owner.uid=" + owner
                    + " caller.uid=" + UID);
        }
        if ((mode & 077) != 0) { // any permission for group or others
            throw new StoreException(kind + " is open to group or others: path=" + p + " mode=" + modeString(mode)
                    + " expected=" + expected + " (fix with chmod " + chmod + ")");
        }
    }

    /** The store's directory. */
    public Path directory() {
        return dir;
    }

    /** The store's policies. */
    public Settings settings() {
        return settings;
    }

    /** How long a reference handed out now keeps its region alive, in milliseconds. */
    public long leaseMillis() {
        Long fixed = settings.leaseMillis();
        return fixed != null ? fixed
                : Config.leaseMillis();
    }

    /** Bytes of released regions this process may keep for reuse in this store (0: recycling off). */
    public long recycleBytes() {
        Long fixed = settings.recycleBytes();
        return fixed != null ? fixed : Config.recycleBytes();
    }

    /** Whether a region gets a checksum when it is sealed. */
    public boolean checksum() {
        return settings.checksum();
    }

    /** Whether the store keeps sealed regions until they are deleted explicitly (see {@link #RETAINED_MARKER}). */
    public boolean retained() {
        if (retainedSeen) {
            return true;
        }
        boolean r = isRetained(dir);
        retainedSeen = r; // once retained, always retained: no more file system look-ups
        return r;
    }

    private volatile boolean retainedSeen;
    /** When {@link #recentlyRetained()} last looked for the marker and found none (nanoTime), or 0. */
    private volatile long notRetainedAt;

    /**
     * {@link #retained()} as it was at most a second ago: for decisions that do not delete or recycle
     * anything on their own (every deleter checks the marker itself, under the exclusive lock), or that
     * concern regions made before the store was marked (a message region's reuse by its sender). Saves a
     * file system look-up per release.
     */
    public boolean recentlyRetained() {
        if (retainedSeen) {
            return true;
        }
        long now = Clock.nanos();
        long seen = notRetainedAt;
        if (seen != 0 && now - seen < 1_000_000_000L) {
            return false;
        }
        boolean r = retained();
        if (!r) {
            notRetainedAt = now;
        }
        return r;
    }

    /** Whether the store directory {@code dir} is retained. */
    static boolean isRetained(Path dir) {
        return Files.exists(dir.resolve(RETAINED_MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether this is the store {@link #defaultStore()} returns. */
    public boolean isDefault() {
        return LocalRegions.PROCESS.isDefault(this);
    }

    /** Path of the region file called {@code name}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Whether {@code name} can name a region file (no separators, no dots, bounded length). */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** A fresh, unguessable region name: {@code grove_<pid hex>_<64 random bits hex>}. */
    public static String newName() {
        return generatedName(ProcessHandle.current().pid(), Random.SOURCE.nextLong());
    }

    /**
     * The name {@link #newName()} gives for creator {@code pid} and {@code random} bits: the one spelling
     * (lower-case hex, the pid without leading zeros, 16 digits of random bits), which reference bytes write
     * as the two numbers.
     */
    public static String generatedName(long pid, long random) {
        return NAME_PREFIX + Long.toHexString(pid) + "_" + HexFormat.of().toHexDigits(random);
    }

    /** A fresh random region id, never 0. */
    public static long newId() {
        long id;
        do {
            id = Random.SOURCE.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Creates an empty region file exclusively, mode 0600, and opens it.
     *
     * @throws StoreFullException if the file system has no room for another file (no inode left)
     */
    RegionFile createFile(String name) {
        Path f = file(name);
        try {
            return RegionFile.create(f);
        } catch (RegionFile.NativeIOException e) {
            if (e.errno == Native.ENOSPC || e.errno == Native.EDQUOT) {
                throw new StoreFullException("store full (no file can be created: out of inodes or quota): region=/"
                        + name + " store=" + dir + " errno=" + e.errno + " free=" + freeBytes());
            }
            throw new StoreException("cannot create region file: region=/" + name + " store=" + dir + " error=" + e, e);
        } catch (IOException e) {
            throw new StoreException("cannot create region file: region=/" + name + " store=" + dir + " error=" + e, e);
        }
    }

    /**
     * Opens (creating it 0600 if absent) a lock file of the store, such as the lease lock, and checks it
     * like a region file.
     */
    RegionFile lockFile(String fileName, String kind) {
        Path f = dir.resolve(fileName);
        RegionFile file = null;
        try {
            try {
                file = RegionFile.create(f);
            } catch (FileAlreadyExistsException e) {
                file = RegionFile.open(f);
            }
            checkOwnedAndPrivate(file, kind);
            return file;
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                file.close();
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open the " + kind + ": path=" + f + " error=" + e, e);
        }
    }

    /** Names of the region files currently in the store, in no particular order. */
    public List<String> regionNames() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith(NAME_PREFIX) && isValidName(n)) {
                    names.add(n);
                }
            });
        } catch (IOException e) {
            throw new StoreException("cannot list store: store=" + dir + " error=" + e, e);
        }
        return names;
    }

    /** Bytes still free in the file system that holds the store, or -1 if unknown. */
    public long freeBytes() {
        try {
            return fileSystem == null ? -1 : fileSystem.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The size and free bytes of a store's file system (-1 if unknown), read at {@code readAtNanos}. */
    public record Space(long total, long free, long readAtNanos) {
    }

    /** The last {@link Space} read, reused for {@link #SPACE_FRESH_NANOS} where {@link #recentSpace} allows. */
    private volatile Space space;
    private static final long SPACE_FRESH_NANOS = 100_000_000;

    /**
     * {@link #totalBytes()} and {@link #freeBytes()}, as read at most 0.1 s ago if the store was at least 1 GiB
     * and at most half full then (a slightly old answer cannot make the decisions this serves unsafe: whether
     * to keep a released region for reuse), else read now: a small store (a container's 64 MiB
     * {@code /dev/shm}) or a filling one is always asked.
     */
    public Space recentSpace() {
        Space s = space;
        long now = Clock.nanos();
        if (s == null || now - s.readAtNanos() > SPACE_FRESH_NANOS || s.total() < (1L << 30) || s.free() < s.total() / 2) {
            s = new Space(totalBytes(), freeBytes(), now);
            space = s;
        }
        return s;
    }

    /** Size of the file system that holds the store, or -1 if unknown. */
    public long totalBytes() {
        try {
            return fileSystem == null ? -1 : fileSystem.getTotalSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}

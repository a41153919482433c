package dev.grove;

import dev.grove.internal.LockFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A persistent collection of big objects, each in its own region file, each mapped only when touched (mlazy's
 * lazy workspace): {@link #open(Path)} reads nothing but a small index; {@link #get} maps one object's file;
 * {@link #commit()} publishes staged changes atomically, writing only what changed.
 *
 * <h2>On disk</h2>
 * The directory is a retained {@link RegionStore}: one region file per object, kept until a commit makes it
 * obsolete, plus index files {@code .lazy-index.<version>}, each a complete list of the objects of one
 * version (name, region, type, size, checksum, modification count) with a CRC-32C of its own. The current
 * version is the highest index whose checksum holds. {@code commit()} makes the new objects' files durable
 * ({@code fsync}), writes the new index under a temporary name, makes it durable, renames it into place and
 * makes the directory durable: the rename is the commit point, so a process killed anywhere in
 * {@code commit()} leaves the old version or the new one. Files of unchanged objects are never touched.
 * Obsolete files (replaced or removed objects, older indexes, a dead writer's staged objects) are deleted
 * once no reader still holds an older version; {@code open} does it in one listing of the directory.
 *
 * <h2>Processes and threads</h2>
 * Any number of processes may open one store. A reader sees the version it opened (or last
 * {@link #refresh()}ed) as a whole, and is never blocked: it holds a shared lock on its version's index, which
 * keeps that version's files. One writer at a time: the first {@code put} or {@code remove} takes the store's
 * writer lock (waiting up to {@link #WRITER_WAIT_MILLIS} ms, then failing with a
 * {@link StoreException} that says so) and {@code commit()} or {@code close()} gives it back. Locks are open
 * file description locks: a killed process never leaves one behind. Methods are thread-safe.
 */
public final class LazyStore implements AutoCloseable {
    /**
     * How long a would-be writer waits for another process's writer lock, in milliseconds: 10 s, or the system
     * property {@code grove.lazy.writerWaitMillis}.
     */
    public static final long WRITER_WAIT_MILLIS = 10_000;
    private static final String INDEX = ".lazy-index.";
    private static final String TEMP = ".lazy-tmp.";
    private static final String WRITER_LOCK = ".lazy-writer";
    private static final String MAGIC = "grove-lazy-index 1";

    /** One object as an index records it. */
    public record Entry(String name, String region, long regionId, String type, long bytes, int checksum,
                        long modifications) {
    }

    private final Path dir;
    private final RegionStore store;
    private final LockFile writerLock;
    private boolean writing;
    private long version;
    private Map<String, Entry> index;
    private LockFile snapshotLock;
    /** Changes not yet committed: a new view, or null for a removal. */
    private final Map<String, SharedObject> staged = new TreeMap<>();
    /** Views this process mapped, by name, for {@link #tidy}. */
    private final Map<String, SharedObject> mapped = new HashMap<>();
    /** Views of objects a later version replaced: still valid for whoever holds them, closed by {@link #tidy()}. */
    private final List<SharedObject> superseded = new ArrayList<>();

    private LazyStore(Path dir) {
        this.dir = dir;
        this.store = RegionStore.builder(dir).retained(true).open();
        this.writerLock = LockFile.open(dir.resolve(WRITER_LOCK));
        loadLatest();
        cleanUpIfNoWriter();
    }

    /**
     * Opens (creating if needed) the store in {@code dir}: reads the current index and nothing else. If no
     * process is writing, files left by an interrupted commit or by obsolete versions nobody reads are deleted.
     */
    public static LazyStore open(Path dir) {
        Path abs = dir.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the parent of the store: store=" + abs + " error=" + e, e);
        }
        return new LazyStore(abs);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** The version this process sees: 0 for an empty store, one more with every commit. */
    public synchronized long version() {
        return version;
    }

    // ---------------------------------------------------------------- reading

    /** The committed object names, sorted; reads only the index. */
    public synchronized List<String> names() {
        return List.copyOf(index.keySet());
    }

    /** An object's size on disk in bytes, from the index (nothing mapped). */
    public synchronized long sizeOf(String name) {
        return entry(name).bytes();
    }

    /** What the index records about an object (nothing mapped). */
    public synchronized Entry info(String name) {
        return entry(name);
    }

    /**
     * The view of object {@code name}: a staged change if this process made one, else the committed object,
     * mapped on first use (only its header is read until the view is read).
     *
     * @throws NameNotFoundException if there is no such object (naming those there are)
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends SharedObject> T get(String name) {
        if (staged.containsKey(name)) {
            SharedObject v = staged.get(name);
            if (v == null) {
                throw missing(name);
            }
            return (T) v;
        }
        Entry e = entry(name);
        SharedObject v = mapped.get(name);
        if (v != null && v.isOpen() && v.path().equals("/" + e.region())) {
            return (T) v; // the same object of the same version: mapped already
        }
        // With the store named: the reference then maps from this directory, id checked.
        SharedObject stale = v;
        v = store.map(new SharedRef("/" + e.region(), e.regionId(), 0, dir.toString()));
        mapped.put(name, v);
        if (stale != null && stale.isOpen()) {
            superseded.add(stale);
        }
        return (T) v;
    }

    /**
     * Unmaps this process's views of the named objects (all, if none named): mlazy's {@code mtidy}. A view
     * handed out before then fails with {@link RegionReleasedException}; {@link #get} maps the object again.
     */
    public synchronized void tidy(String... names) {
        List<String> which = names.length == 0 ? List.copyOf(mapped.keySet()) : List.of(names);
        for (String n : which) {
            SharedObject v = mapped.remove(n);
            if (v != null) {
                v.close();
            }
        }
        if (names.length == 0) {
            superseded.forEach(SharedObject::close);
            superseded.clear();
        }
    }

    /** The committed objects as a lazy map: values are mapped when read. */
    public Map<String, SharedObject> asMap() {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, SharedObject>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, SharedObject>> iterator() {
                        Iterator<String> it = names().iterator();
                        return new Iterator<>() {
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            public Entry<String, SharedObject> next() {
                                String n = it.next();
                                return new SimpleImmutableEntry<>(n, get(n));
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return names().size();
                    }
                };
            }

            @Override
            public SharedObject get(Object key) {
                return key instanceof String s && containsKey(s) ? LazyStore.this.get(s) : null;
            }

            @Override
            public boolean containsKey(Object key) {
                synchronized (LazyStore.this) {
                    return index.containsKey(key);
                }
            }
        };
    }

    /** Moves this process to the latest committed version (views already handed out stay valid). */
    public synchronized void refresh() {
        loadLatest();
    }

    // ---------------------------------------------------------------- writing

    /**
     * Stages {@code value} under {@code name}: it is written as a region file now (anything {@link Grove#share}
     * accepts) and published by the next {@link #commit()}.
     *
     * @throws StoreException if another process holds the writer lock past the wait
     */
    public synchronized void put(String name, Object value) {
        checkName(name);
        beginWriting();
        SharedObject v = value instanceof SharedObject s && Views.handle(s).region().store() == storeInternal()
                ? s : store.share(value);
        SharedObject before = staged.put(name, v);
        if (before != null && before != v) {
            before.close(); // a staged value replaced before its commit: its file goes at the next clean-up
        }
    }

    /** Stages the removal of {@code name}, published by the next {@link #commit()}. */
    public synchronized void remove(String name) {
        beginWriting();
        if (!index.containsKey(name) && staged.get(name) == null) {
            throw missing(name);
        }
        SharedObject before = staged.put(name, null);
        if (before != null) {
            before.close(); // a staged value removed before its commit: its file goes at the next clean-up
        }
    }

    /**
     * Publishes every staged change as one new version, atomically (see the class description), and gives
     * back the writer lock. Nothing to publish: nothing happens.
     *
     * @return the new version
     */
    public synchronized long commit() {
        if (staged.isEmpty()) {
            endWriting();
            return version;
        }
        Map<String, Entry> next = new TreeMap<>(index);
        List<Path> fresh = new ArrayList<>();
        for (Map.Entry<String, SharedObject> e : staged.entrySet()) {
            String name = e.getKey();
            SharedObject v = e.getValue();
            if (v == null) {
                next.remove(name);
                continue;
            }
            SharedRef ref = v.ref();
            Path file = store.file(v.path());
            fresh.add(file);
            Entry old = index.get(name);
            next.put(name, new Entry(name, ref.regionName(), ref.regionId(), describe(v), size(file),
                    bodyChecksum(file), old == null ? 1 : old.modifications() + 1));
        }
        for (Path f : fresh) {
            force(f); // the objects first: the index must never name a file not on the disk
        }
        long v = version + 1;
        Path tmp = dir.resolve(TEMP + v);
        Path target = dir.resolve(INDEX + v);
        try {
            Files.write(tmp, encode(v, next), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            force(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // the commit point
            force(dir);
        } catch (IOException e) {
            throw new StoreException("cannot commit: store=" + dir + " version=" + v + " error=" + e, e);
        }
        // Now published. What this process had mapped of replaced objects stays valid until tidied.
        for (Map.Entry<String, SharedObject> e : staged.entrySet()) {
            if (e.getValue() != null) {
                SharedObject old = mapped.put(e.getKey(), e.getValue());
                if (old != null && old != e.getValue()) {
                    old.close();
                }
            } else {
                SharedObject old = mapped.remove(e.getKey());
                if (old != null) {
                    old.close();
                }
            }
        }
        staged.clear();
        switchTo(v, next);
        cleanUp();
        endWriting();
        return v;
    }

    /** Drops staged changes (their files go at the next clean-up) and gives back the writer lock. */
    public synchronized void rollback() {
        staged.values().forEach(v -> {
            if (v != null) {
                v.close();
            }
        });
        staged.clear();
        endWriting();
    }

    // ---------------------------------------------------------------- verification

    /**
     * Checks every committed object's file against its checksum.
     *
     * @return the names of damaged (or missing) objects; empty if all are sound
     */
    public synchronized List<String> verify() {
        List<String> bad = new ArrayList<>();
        for (Entry e : index.values()) {
            try {
                store.verify("/" + e.region());
            } catch (GroveException ex) {
                bad.add(e.name());
            }
        }
        return bad;
    }

    /**
     * Removes damaged objects (those {@link #verify()} reports) in one commit, making the store clean again.
     *
     * @return the names removed
     */
    public synchronized List<String> repair() {
        List<String> bad = verify();
        for (String n : bad) {
            remove(n);
        }
        commit();
        return bad;
    }

    /** Gives back the writer lock (dropping staged changes), this version's lock, and every view mapped here. */
    @Override
    public synchronized void close() {
        if (writing) {
            rollback();
        }
        tidy();
        if (snapshotLock != null) {
            snapshotLock.close();
            snapshotLock = null;
        }
        writerLock.close();
    }

    // ---------------------------------------------------------------- internals

    private void beginWriting() {
        if (writing) {
            return;
        }
        long wait = Long.getLong("grove.lazy.writerWaitMillis", WRITER_WAIT_MILLIS);
        long deadline = System.currentTimeMillis() + wait;
        while (!writerLock.tryLock(true)) {
            if (System.currentTimeMillis() > deadline) {
                throw new StoreException("another process is writing this store: store=" + dir + " waited="
                        + wait + "ms (one writer at a time; readers are never blocked)");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted waiting for the writer lock: store=" + dir, e);
            }
        }
        writing = true;
        loadLatest(); // a writer starts from the latest version
    }

    private void endWriting() {
        if (writing) {
            writerLock.unlock();
            writing = false;
        }
    }

    /** Reads the highest index whose checksum holds and holds a shared lock on it. */
    private void loadLatest() {
        List<Long> versions = indexVersions();
        for (int i = versions.size() - 1; i >= 0; i--) {
            long v = versions.get(i);
            Map<String, Entry> read = readIndex(dir.resolve(INDEX + v));
            if (read != null) {
                switchTo(v, read);
                return;
            }
        }
        switchTo(0, new TreeMap<>());
    }

    private void switchTo(long v, Map<String, Entry> entries) {
        LockFile lock = v == 0 ? null : LockFile.open(dir.resolve(INDEX + v));
        if (lock != null) {
            lock.tryLock(false); // shared: conflicts only with a cleaner's exclusive probe, which then keeps it
        }
        if (snapshotLock != null) {
            snapshotLock.close();
        }
        snapshotLock = lock;
        version = v;
        index = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    private void cleanUpIfNoWriter() {
        if (writerLock.tryLock(true)) {
            try {
                cleanUp();
            } finally {
                writerLock.unlock();
            }
        }
    }

    /**
     * Under the writer lock: deletes temporary index files, older indexes no reader holds, and every region
     * file that no remaining index names (a dead writer's staged objects, replaced and removed ones). One
     * listing of the directory.
     */
    private void cleanUp() {
        Set<String> keep = new java.util.HashSet<>(index.values().stream().map(Entry::region).toList());
        staged.values().forEach(v -> {
            if (v != null) {
                keep.add(v.path().substring(1));
            }
        });
        for (long v : indexVersions()) {
            if (v == version) {
                continue;
            }
            Path f = dir.resolve(INDEX + v);
            try (LockFile probe = LockFile.open(f)) {
                if (v < version && probe.tryLock(true)) {
                    Files.deleteIfExists(f); // no reader holds that version any more
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                // left for the next clean-up
            }
            Map<String, Entry> held = readIndex(f);
            if (held != null) {
                held.values().forEach(e -> keep.add(e.region()));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(TEMP)) {
                    Files.deleteIfExists(p);
                } else if (n.startsWith("grove_") && !keep.contains(n)) {
                    store.delete("/" + n); // refused while a process still maps it: then next time
                }
            }
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.grove").log(System.Logger.Level.DEBUG, "lazy store clean-up left files: store=" + dir, e);
        }
    }

    private List<Long> indexVersions() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith(INDEX)) {
                    try {
                        out.add(Long.parseLong(n.substring(INDEX.length())));
                    } catch (NumberFormatException ignored) {
                        // not one of ours
                    }
                }
            });
        } catch (IOException e) {
            throw new StoreException("cannot list store: store=" + dir + " error=" + e, e);
        }
        Collections.sort(out);
        return out;
    }

    /** The index: magic line, version, entries as length-prefixed fields, then the CRC-32C of all that. */
    private static byte[] encode(long version, Map<String, Entry> entries) {
        StringBuilder b = new StringBuilder(MAGIC).append('\n').append(version).append('\n').append(entries.size()).append('\n');
        for (Entry e : entries.values()) {
            for (String f : List.of(e.name(), e.region(), Long.toString(e.regionId()), e.type(), Long.toString(e.bytes()),
                    Integer.toString(e.checksum()), Long.toString(e.modifications()))) {
                b.append(f.length()).append(':').append(f);
            }
            b.append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(body.length + 4);
        out.put(body).putInt(crc(body));
        return out.array();
    }

    /** The entries of an index file, or null if it is missing, truncated or damaged. */
    private static Map<String, Entry> readIndex(Path f) {
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (IOException e) {
            return null;
        }
        if (all.length < 4) {
            return null;
        }
        byte[] body = java.util.Arrays.copyOf(all, all.length - 4);
        if (ByteBuffer.wrap(all, all.length - 4, 4).getInt() != crc(body)) {
            return null;
        }
        String s = new String(body, StandardCharsets.UTF_8);
        try {
            String[] head = s.split("\n", 4);
            if (!head[0].equals(MAGIC)) {
                return null;
            }
            int n = Integer.parseInt(head[2]);
            String rest = head.length > 3 ? head[3] : "";
            Map<String, Entry> out = new TreeMap<>();
            int at = 0;
            for (int i = 0; i < n; i++) {
                String[] fields = new String[7];
                for (int k = 0; k < 7; k++) {
                    int colon = rest.indexOf(':', at);
                    int len = Integer.parseInt(rest, at, colon, 10);
                    fields[k] = rest.substring(colon + 1, colon + 1 + len);
                    at = colon + 1 + len;
                }
                at++; // the line break
                out.put(fields[0], new Entry(fields[0], fields[1], Long.parseLong(fields[2]), fields[3],
                        Long.parseLong(fields[4]), Integer.parseInt(fields[5]), Long.parseLong(fields[6])));
            }
            return out;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int crc(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static void force(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new StoreException("cannot make durable: path=" + p + " error=" + e, e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new StoreException("cannot read size: path=" + f + " error=" + e, e);
        }
    }

    /** The body checksum the region's header records (0 when the store writes none). */
    private int bodyChecksum(Path f) {
        try {
            return dev.grove.internal.Regions.header(storeInternal(), f.getFileName().toString()).bodyCrc();
        } catch (IOException e) {
            throw new StoreException("cannot read region header: path=" + f + " error=" + e, e);
        }
    }

    private dev.grove.internal.Store storeInternal() {
        return dev.grove.internal.Store.open(dir);
    }

    private static String describe(SharedObject v) {
        Class<?> c = v.getClass();
        while (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    private Entry entry(String name) {
        Entry e = index.get(name);
        if (e == null) {
            throw missing(name);
        }
        return e;
    }

    private NameNotFoundException missing(String name) {
        return new NameNotFoundException("no such object: store=" + dir + " name=" + name + " version=" + version
                + " names=" + (index.size() > 20 ? index.size() + " names" : index.keySet()));
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty object name: name=" + name);
        }
    }

    @Override
    public String toString() {
        return "LazyStore[" + dir + ", version " + version + "]";
    }
}

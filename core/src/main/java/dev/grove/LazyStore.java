package dev.grove;

import dev.grove.internal.Clock;
import dev.grove.internal.Config;
import dev.grove.internal.LazyFiles;
import dev.grove.internal.LockFile;
import dev.grove.internal.Region;
import dev.grove.internal.Regions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A persistent collection of big objects, each in its own region file, each mapped only when touched (mlazy's
 * lazy workspace): {@link #open(Path)} reads a pointer and maps a small index; {@link #get} maps one object's
 * file; {@link #commit()} publishes staged changes atomically, writing only what changed.
 *
 * <h2>On disk</h2>
 * The directory is a retained {@link RegionStore}: one region file per object, kept until a commit makes it
 * obsolete. Each version's index is a region too (a map from object name to its entry: region, type, size,
 * checksum, modification count), found through {@code .lazy-current}, a small pointer file with a CRC-32C
 * (version, index region and id); {@code .lazy-index.<version>} names each version's index and is the lock
 * its readers hold. {@code commit()} makes the new objects' files and the new index durable ({@code fsync}),
 * writes the new pointer under a temporary name, makes it durable, renames it into place and makes the
 * directory durable: the rename is the commit point, so a process killed anywhere in {@code commit()} leaves
 * the old version or the new one. Files of unchanged objects are never touched. Opening costs two small file
 * reads and one mapping whatever the number of objects; a lookup is a hash probe in the mapped index. While a
 * writer works, a {@code .lazy-committing} marker says so; an {@code open} that finds it with no writer alive
 * removes what the interrupted work left (one listing of the directory), and every commit removes obsolete
 * files (replaced and removed objects, older indexes) that no reader still holds.
 *
 * <h2>Processes and threads</h2>
 * Any number of processes may open one store. A reader sees the version it opened (or last
 * {@link #refresh()}ed) as a whole, and is never blocked: it holds a shared lock on its version's index file,
 * which keeps that version's files. One writer at a time: the first {@code put} or {@code remove} takes the store's
 * writer lock (waiting up to {@link #WRITER_WAIT_MILLIS} ms, then failing with a {@link StoreException}
 * that says so) and {@code commit()}, {@code rollback()} or {@code close()} gives it back. Locks are open file
 * description locks: a killed process never leaves one behind. Methods are thread-safe.
 */
public final class LazyStore implements AutoCloseable {
    /**
     * How long a would-be writer waits for another process's writer lock, in milliseconds: 10 s, or the system
     * property {@code grove.lazy.writerWaitMillis}.
     */
    public static final long WRITER_WAIT_MILLIS = 10_000;

    /** One object as an index records it. */
    public record Entry(String name, String region, long regionId, String type, long bytes, int checksum,
                        long modifications) {
    }

    private final Path dir;
    private final RegionStore store;
    /** Opened by the first write or clean-up only: a reader never touches it. */
    private LockFile writerLock;
    private boolean writing;
    private long version;
    /** The current version's index, a region of its own: object name to entry text; null for version 0. */
    private SharedMap<?> index;
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
        loadCurrent();
        if (Files.exists(dir.resolve(LazyFiles.COMMITTING))) {
            cleanUpIfNoWriter(); // a commit was interrupted: what it left goes now
        }
    }

    /**
     * Opens (creating if needed) the store in {@code dir}: reads the pointer to the current version and maps
     * its index, nothing else. If a writer died here and none is at work now, what it left is deleted.
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
        return index == null ? List.of() : List.copyOf(index.keySet());
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
        v = store.map(new SharedRef("/" + e.region(), e.regionId(), 0, dir.toString(), 0));
        mapped.put(name, v);
        if (stale != null && stale.isOpen()) {
            superseded.add(stale);
        }
        return (T) v;
    }

    /**
     * Unmaps this process's views of the named objects (all, if none named), at once: mlazy's {@code mtidy}. A view
     * handed out before then fails with {@link RegionReleasedException}; {@link #get} maps the object again.
     */
    public synchronized void tidy(String... names) {
        List<String> which = names.length == 0 ? List.copyOf(mapped.keySet()) : List.of(names);
        List<SharedObject> closing = new ArrayList<>();
        for (String n : which) {
            SharedObject v = mapped.remove(n);
            if (v != null) {
                closing.add(v);
            }
        }
        if (names.length == 0) {
            closing.addAll(superseded);
            superseded.clear();
        }
        for (SharedObject v : closing) {
            Region r = Views.handle(v).region();
            v.close();
            // Unmapped now, not after the kept-mapping time: tidying is how a reader gives memory back.
            Regions.dropKeptMapping(r.store(), r.name());
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
                    return index != null && index.containsKey(key);
                }
            }
        };
    }

    /** Moves this process to the latest committed version (views already handed out stay valid). */
    public synchronized void refresh() {
        loadCurrent();
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
        if ((index == null || !index.containsKey(name)) && staged.get(name) == null) {
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
        Map<String, Entry> next = entries();
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
            Entry old = next.get(name);
            next.put(name, new Entry(name, ref.regionName(), ref.regionId(), Views.publicName(v), LazyFiles.size(file),
                    bodyChecksum(file), old == null ? 1 : old.modifications() + 1));
        }
        long v = version + 1;
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        next.forEach((name, e) -> texts.put(name, text(e)));
        SharedMap<?> newIndex = texts.isEmpty() ? null : (SharedMap<?>) store.share(texts);
        try {
            if (newIndex != null) {
                fresh.add(store.file(newIndex.path()));
            }
            LazyFiles.publish(dir, new LazyFiles.Pointer(v, newIndex == null ? null : newIndex.path().substring(1),
                    newIndex == null ? 0 : newIndex.ref().regionId()), fresh);
        } catch (IOException e) {
            if (newIndex != null) {
                newIndex.close();
            }
            throw new StoreException("cannot commit: store=" + dir + " version=" + v + " error=" + e, e);
        }
        // Now published. What this process had mapped of replaced objects stays valid until tidied.
        for (Map.Entry<String, SharedObject> e : staged.entrySet()) {
            SharedObject old = e.getValue() != null ? mapped.put(e.getKey(), e.getValue()) : mapped.remove(e.getKey());
            if (old != null && old != e.getValue()) {
                superseded.add(old);
            }
        }
        staged.clear();
        switchTo(v, newIndex);
        endWriting(cleanUp());
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
        for (Entry e : entries().values()) {
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
        switchTo(0, null);
        if (writerLock != null) {
            writerLock.close();
        }
    }

    private LockFile writerLock() {
        if (writerLock == null) {
            writerLock = LockFile.open(dir.resolve(LazyFiles.WRITER_LOCK));
        }
        return writerLock;
    }

    // ---------------------------------------------------------------- internals

    private void beginWriting() {
        if (writing) {
            return;
        }
        long wait = Config.lazyWriterWaitMillis(WRITER_WAIT_MILLIS);
        long deadline = Clock.millis() + wait;
        while (!writerLock().tryLock(true)) {
            if (Clock.millis() > deadline) {
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
        try {
            // Before the first object is written: if this writer dies, the next open knows to clean up.
            Files.write(dir.resolve(LazyFiles.COMMITTING), new byte[0]);
        } catch (IOException e) {
            endWriting();
            throw new StoreException("cannot start writing: store=" + dir + " error=" + e, e);
        }
        loadCurrent(); // a writer starts from the latest version
    }

    private void endWriting() {
        endWriting(true);
    }

    /**
     * Gives back the writer lock; the marker goes only if nothing is left to clean up (a file a process still
     * mapped could not be deleted: then a later {@code open} tries again, once its holder is gone).
     */
    private void endWriting(boolean clean) {
        if (writing) {
            if (clean) {
                try {
                    Files.deleteIfExists(dir.resolve(LazyFiles.COMMITTING));
                } catch (IOException e) {
                    // the next open cleans up once more, harmlessly
                }
            }
            writerLock.unlock();
            writing = false;
        }
    }

    /** Maps the version {@code .lazy-current} names and holds a shared lock on it; version 0 if there is none. */
    private void loadCurrent() {
        for (int attempt = 0; attempt < 100; attempt++) {
            LazyFiles.Pointer p = LazyFiles.current(dir);
            if (p == null) {
                switchTo(0, null);
                return;
            }
            if (p.version() == version && (index != null || p.index() == null)) {
                return;
            }
            LockFile lock = LockFile.open(dir.resolve(LazyFiles.INDEX + p.version()));
            lock.tryLock(false);
            try {
                // Locked: a cleaner can no longer delete this version. Still there? (It may have gone between.)
                SharedMap<?> view = p.index() == null ? null
                        : store.map(new SharedRef("/" + p.index(), p.indexId(), 0, dir.toString(), 0));
                adopt(p.version(), view, lock);
                return;
            } catch (RegionNotFoundException gone) {
                lock.close(); // superseded and cleaned meanwhile: read the pointer again
            }
        }
        throw new StoreException("cannot open a current version (the store changes too fast?): store=" + dir);
    }

    private void switchTo(long v, SharedMap<?> view) {
        LockFile lock = null;
        if (v != 0) {
            lock = LockFile.open(dir.resolve(LazyFiles.INDEX + v));
            lock.tryLock(false);
        }
        adopt(v, view, lock);
    }

    private void adopt(long v, SharedMap<?> view, LockFile lock) {
        if (index != null && index != view) {
            index.close();
        }
        if (snapshotLock != null && snapshotLock != lock) {
            snapshotLock.close();
        }
        snapshotLock = lock;
        version = v;
        index = view;
    }

    private void cleanUpIfNoWriter() {
        if (writerLock().tryLock(true)) {
            try {
                if (cleanUp()) {
                    Files.deleteIfExists(dir.resolve(LazyFiles.COMMITTING));
                }
            } catch (IOException e) {
                // left for the next open
            } finally {
                writerLock.unlock();
            }
        }
    }

    /**
     * Under the writer lock: deletes temporary files, index files of older versions no reader holds, and every
     * region file that neither the current version nor a version a reader still holds names (a dead writer's
     * staged objects, replaced and removed ones, old indexes). One listing of the directory.
     *
     * @return whether everything obsolete is gone (false: a process still maps some of it)
     */
    private boolean cleanUp() {
        boolean clean = true;
        Set<String> keep = new java.util.HashSet<>();
        keepVersion(index, keep);
        staged.values().forEach(v -> {
            if (v != null) {
                keep.add(v.path().substring(1));
            }
        });
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = files.toList();
        } catch (IOException e) {
            throw new StoreException("cannot list store: store=" + dir + " error=" + e, e);
        }
        for (Path p : all) {
            String n = p.getFileName().toString();
            try {
                if (n.startsWith(LazyFiles.TEMP)) {
                    Files.deleteIfExists(p);
                } else if (n.startsWith(LazyFiles.INDEX) && !n.equals(LazyFiles.INDEX + version)) {
                    try (LockFile probe = LockFile.open(p)) {
                        if (probe.tryLock(true)) {
                            Files.deleteIfExists(p); // no reader holds that version any more
                            continue;
                        }
                    }
                    clean = false; // a reader holds that version: its files stay for now
                    LazyFiles.Pointer held = LazyFiles.indexFile(p);
                    if (held != null && held.index() != null) {
                        try (SharedMap<?> view = store.map(new SharedRef("/" + held.index(), held.indexId(), 0,
                                dir.toString(), 0))) {
                            keepVersion(view, keep);
                        } catch (RegionNotFoundException gone) {
                            // nothing of it left to keep
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                clean = false;
                System.getLogger("dev.grove").log(System.Logger.Level.DEBUG, "lazy store clean-up skipped: path=" + p, e);
            }
        }
        for (Path p : all) {
            String n = p.getFileName().toString();
            if (n.startsWith("grove_") && !keep.contains(n)) {
                try {
                    if (!store.delete("/" + n)) {
                        clean = false; // a process still maps it: then next time
                    }
                } catch (RuntimeException e) {
                    clean = false;
                    System.getLogger("dev.grove").log(System.Logger.Level.DEBUG, "lazy store clean-up skipped: path=" + p, e);
                }
            }
        }
        return clean;
    }

    /** Adds a version's index region and the regions of its objects to {@code keep}. */
    private static void keepVersion(SharedMap<?> view, Set<String> keep) {
        if (view == null) {
            return;
        }
        keep.add(view.path().substring(1));
        for (Map.Entry<String, ?> e : view.entrySet()) {
            keep.add(parse(e.getKey(), e.getValue().toString()).region());
        }
    }

    /** Every committed entry, parsed (a pass over the whole index: for commits and verification). */
    private Map<String, Entry> entries() {
        Map<String, Entry> out = new TreeMap<>();
        if (index != null) {
            for (Map.Entry<String, ?> e : index.entrySet()) {
                out.put(e.getKey(), parse(e.getKey(), e.getValue().toString()));
            }
        }
        return out;
    }

    /** An entry as the index stores it: its fields after the name. */
    private static String text(Entry e) {
        return LazyFiles.entryText(e.region(), e.regionId(), e.type(), e.bytes(), e.checksum(), e.modifications());
    }

    private static Entry parse(String name, String text) {
        String[] f = LazyFiles.entryFields(text);
        return new Entry(name, f[0], Long.parseLong(f[1]), f[2], Long.parseLong(f[3]), Integer.parseInt(f[4]),
                Long.parseLong(f[5]));
    }

    /** The body checksum the region's header records (0 when the store writes none). */
    private int bodyChecksum(Path f) {
        try {
            return dev.grove.internal.Regions.header(storeInternal(), f.getFileName().toString()).bodyCrc();
        } catch (IOException e) {
            throw new StoreException("cannot read region header: path=" + f + " error=" + e, e);
        }
    }

    private dev.grove.internal.StoreDir storeInternal() {
        return dev.grove.internal.StoreDir.open(dir);
    }

    private Entry entry(String name) {
        Object text = index == null ? null : index.get(name);
        if (text == null) {
            throw missing(name);
        }
        return parse(name, text.toString());
    }

    private NameNotFoundException missing(String name) {
        return new NameNotFoundException("no such object: store=" + dir + " name=" + name + " version=" + version
                + " names=" + (names().size() > 20 ? names().size() + " names" : names()));
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

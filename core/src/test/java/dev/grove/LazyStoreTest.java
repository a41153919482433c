package dev.grove;

import dev.grove.test.Await;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.LazyChild;
import dev.grove.test.Leaks;
import dev.grove.test.ProcIo;
import dev.grove.test.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lazy store (mlazy's workspace) from the outside: what opening and reading costs in system calls, what a
 * commit writes (inodes, mtimes and {@code write_bytes} of {@code /proc/self/io}), processes killed inside
 * {@code commit()}, readers during commits, two writers, and a damaged object.
 */
class LazyStoreTest {
    private static final Path ROOT = Path.of("target", "lazy-" + ProcessHandle.current().pid()).toAbsolutePath();
    private static int stores;

    private static Path latestIndex(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".lazy-index."))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(12))))
                    .orElseThrow();
        }
    }

    private static Path newDir() {
        return ROOT.resolve("s" + (++stores));
    }

    @AfterEach
    void noWriterWait() {
        System.clearProperty("grove.lazy.writerWaitMillis");
    }

    @AfterAll
    static void deleteStores() throws IOException {
        Leaks.assertNoRegionsLeft(30);
        if (Files.exists(ROOT)) {
            try (Stream<Path> all = Files.walk(ROOT)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double[] values(int n, double seed) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = seed + i;
        }
        return d;
    }

    @Test
    void openingAndReadingOneObjectReadsTheIndexAndThatObjectOnly() {
        Path dir = newDir();
        Path warm = newDir();
        try (LazyStore s = LazyStore.open(dir); LazyStore w = LazyStore.open(warm)) {
            for (int i = 0; i < 200; i++) {
                s.put("x" + i, values(i % 10 == 0 ? 1 << 20 : 1 << 17, i)); // 1 MiB to 8 MiB
            }
            assertEquals(1, s.commit());
            w.put("x7", values(4, 0));
            w.commit();
            assertEquals(200, s.names().size());
            assertEquals(List.of(), s.verify());
        }
        try (ChildJvm child = ChildJvm.start(LazyChild.class)) {
            child.expect("ready", 60);
            child.send("probe " + dir + " " + warm + " x7 1000");
            String[] r = child.expect("probe ", 60).split(" ");
            assertEquals(1007.0, Double.parseDouble(r[0]));
            long indexBytes = Files.size(latestIndex(dir));
            long read = Long.parseLong(r[1]);
            assertTrue(read <= indexBytes + 64 * 1024,
                    "opening and one read took " + read + " bytes of read calls; the index is " + indexBytes
                            + " bytes and the store about 360 MB");
            assertEquals(2, Integer.parseInt(r[2]), "two regions mapped: the index and the object read");
            child.send("exit");
            child.expect("exit ok", 30);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCommitWritesOnlyTheChangedObject() throws Exception {
        Path dir = newDir();
        try (LazyStore s = LazyStore.open(dir)) {
            for (int i = 0; i < 100; i++) {
                s.put("o" + i, values(1 << 15, i)); // 256 KiB each
            }
            s.commit();
            Map<String, long[]> before = filesOf(s);
            long newest = before.values().stream().mapToLong(f -> f[1]).max().orElseThrow();
            Path probe = ROOT.resolve("clock-probe");
            Await.until("the file system's clock moved past the commit's mtimes (a rewrite would then move one)", () -> {
                try {
                    Files.write(probe, new byte[0]);
                    return Files.getLastModifiedTime(probe).toMillis() > newest;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Files.delete(probe);
            long written = ProcIo.counter("write_bytes");
            s.put("o42", values(1 << 15, -1));
            s.commit();
            long delta = ProcIo.counter("write_bytes") - written;
            long objectBytes = s.sizeOf("o42");
            // The kernel counts whole pages: the object's, the new index region's, and a page or so for each small
            // file of the commit (pointer, index copy); 64 KiB covers those with room, far below a second object.
            long indexBytes = Files.size(s.directory().resolve(currentIndexRegion(s.directory())));
            long allowed = pages(objectBytes) + pages(indexBytes) + 64 * 1024;
            assertTrue(delta <= allowed, "wrote " + delta + " bytes for an object of " + objectBytes + " and an index of "
                    + indexBytes + " (allowed " + allowed + ")");
            Map<String, long[]> after = filesOf(s);
            for (int i = 0; i < 100; i++) {
                String n = "o" + i;
                if (i != 42) {
                    assertArrayEquals(before.get(n), after.get(n), n + " keeps its inode and mtime");
                }
            }
            assertNotEquals(before.get("o42")[0], after.get("o42")[0], "o42 is a new file");
            assertEquals(2L, s.info("o42").modifications());
            assertEquals(-1.0, ((SharedDoubleArray) s.get("o42")).getDouble(0));
        }
    }

    private static long pages(long bytes) {
        return (bytes + 4095) / 4096 * 4096;
    }

    /** The index region the current version names, read from {@code .lazy-current} (docs/FORMAT.md, "Lazy stores"). */
    private static String currentIndexRegion(Path dir) throws IOException {
        byte[] b = Files.readAllBytes(dir.resolve(".lazy-current"));
        String text = new String(b, 0, b.length - 4, java.nio.charset.StandardCharsets.UTF_8); // less the CRC
        return text.split("\n")[2];
    }

    /** Inode and mtime of each object's file. */
    private static Map<String, long[]> filesOf(LazyStore s) throws IOException {
        Map<String, long[]> out = new HashMap<>();
        for (String n : s.names()) {
            Path f = s.directory().resolve(s.info(n).region());
            out.put(n, new long[] {KernelLocks.inode(f), Files.getLastModifiedTime(f).toMillis()});
        }
        return out;
    }


    /**
     * A child committing version after version, killed by pid at a random point of a commit, 50 times: each time
     * the store opens at one whole version with exactly its objects and contents, no stray file remains, and the
     * version is the last one the child's commit returned for, or the one it was inside. Where each kill landed is
     * read from the child's {@link Progress} file, not guessed from a delay; most must land inside {@code commit()}.
     */
    @Test
    void aProcessKilledInsideCommitLeavesTheOldOrTheNewVersion() throws Exception {
        Path dir = newDir();
        Random rnd = new Random(Long.getLong("grove.test.seed", 5));
        int rounds = Integer.getInteger("grove.test.lazyKills", 50);
        long lastVersion = 0;
        int insideCommit = 0;
        for (int round = 0; round < rounds; round++) {
            Progress.Landing at;
            try (ChildJvm child = ChildJvm.start(LazyChild.class);
                 Progress progress = Progress.create(ROOT.resolve("progress"))) {
                child.expect("ready", 60);
                child.send("churn " + dir + " " + progress.path());
                child.expect("started", 60);
                at = progress.killDuringOperations(child, 3, rnd);
            }
            insideCommit += at.inside() ? 1 : 0;
            try (LazyStore s = LazyStore.open(dir)) {
                long v = s.version();
                long committed = lastVersion + at.done();
                String where = "round " + round + ": " + at.done() + " commits returned"
                        + (at.inside() ? ", killed inside the next" : ", killed between commits");
                assertTrue(v == committed || at.inside() && v == committed + 1,
                        where + ": version " + v + " after " + lastVersion);
                lastVersion = v;
                Map<String, double[]> want = LazyChild.expected(v);
                assertEquals(List.copyOf(want.keySet()), s.names(), "round " + round + " version " + v);
                for (Map.Entry<String, double[]> e : want.entrySet()) {
                    SharedDoubleArray a = s.get(e.getKey());
                    assertArrayEquals(e.getValue(), a.toDoubleArray(), e.getKey() + " at version " + v);
                }
                assertEquals(List.of(), s.verify());
                s.tidy();
                assertNoStrayFiles(s);
            }
        }
        System.out.println("lazy store kill rounds: " + rounds + ", inside commit(): " + insideCommit
                + ", reached version " + lastVersion);
        assertTrue(insideCommit >= rounds / 2, "kills inside commit(): " + insideCommit + " of " + rounds);
    }

    /** After an open with no writer: the current index, the lock and marker files, and the objects it names. */
    private static void assertNoStrayFiles(LazyStore s) throws IOException {
        List<String> objects = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try (Stream<Path> files = Files.list(s.directory())) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("grove_")) {
                    objects.add(n);
                } else if (!n.equals(".lazy-index." + s.version()) && !n.equals(".lazy-writer") && !n.equals(".lazy-current")
                        && !n.startsWith(".grove-")) {
                    other.add(n);
                }
            }
        }
        List<String> named = new ArrayList<>(s.names().stream().map(n -> s.info(n).region()).toList());
        Path current = s.directory().resolve(".lazy-current");
        if (Files.exists(current)) {
            byte[] raw = Files.readAllBytes(current); // text, then a 4-byte CRC
            String[] pointer = new String(java.util.Arrays.copyOf(raw, raw.length - 4), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\n");
            if (!pointer[2].equals("-")) {
                named.add(pointer[2]); // the current version's index, a region of its own
            }
        } else {
            assertEquals(0, s.version(), "no pointer file: the store was never committed"); // killed before its first commit
        }
        named.sort(null);
        assertEquals(named, objects.stream().sorted().toList(), "region files are the named objects and the index");
        assertEquals(List.of(), other, "no temporary or old index files");
    }

    @Test
    void readersSeeWholeSnapshotsAndWritersTakeTurns() {
        Path dir = newDir();
        System.setProperty("grove.lazy.writerWaitMillis", "300");
        try (LazyStore writer = LazyStore.open(dir)) {
            writer.put("a", values(4, 1));
            writer.put("b", values(4, 1));
            writer.commit();
            try (LazyStore reader = LazyStore.open(dir)) {
                writer.put("a", values(4, 2));
                writer.put("b", values(4, 2));
                writer.remove("b");
                writer.put("c", values(4, 2));
                // A second writer waits, then says why.
                try (LazyStore other = LazyStore.open(dir)) {
                    StoreException busy = assertThrows(StoreException.class, () -> other.put("d", values(1, 0)));
                    assertTrue(busy.getMessage().contains("another process is writing"), busy.getMessage());
                }
                writer.commit();
                // The reader still sees version 1 whole, including objects it had not mapped before the commit.
                assertEquals(1, reader.version());
                assertEquals(List.of("a", "b"), reader.names());
                assertEquals(1.0, ((SharedDoubleArray) reader.get("a")).getDouble(0));
                assertEquals(1.0, ((SharedDoubleArray) reader.get("b")).getDouble(0));
                reader.refresh();
                assertEquals(2, reader.version());
                assertEquals(List.of("a", "c"), reader.names());
                assertEquals(2.0, ((SharedDoubleArray) reader.get("a")).getDouble(0));
                // Views travel as references: another reader process would map the same file.
                SharedDoubleArray c = reader.get("c");
                try (SharedObject back = (SharedObject) roundTripJavaIo(c)) {
                    assertEquals(c, back);
                }
                // tidy: the view is released; get maps it again
                reader.tidy("c");
                assertThrows(RegionReleasedException.class, () -> c.getDouble(0));
                assertEquals(2.0, ((SharedDoubleArray) reader.get("c")).getDouble(0));
                assertEquals(2.0, ((SharedDoubleArray) reader.asMap().get("c")).getDouble(0));
            }
            writer.tidy(); // the writer's views of replaced objects stay valid until then
            writer.put("e", values(1, 5));
            writer.commit(); // no reader of version 1 left: its files go
            assertNoStrayFiles(writer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object roundTripJavaIo(Object o) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(o);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
                return in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code grove store ls / info / verify}, from the index alone. */
    @Test
    void theCommandLineListsInspectsAndVerifies() {
        Path dir = newDir();
        try (LazyStore s = LazyStore.open(dir)) {
            s.put("prices", values(100, 0));
            s.put("times", new long[] {1, 2});
            s.commit();
        }
        String ls = grove("store", "ls", dir.toString());
        assertTrue(ls.contains("version 1, 2 objects") && ls.contains("prices") && ls.contains("SharedDoubleArray")
                && ls.contains("SharedLongArray"), ls);
        String info = grove("store", "info", dir.toString(), "times");
        assertTrue(info.contains("type SharedLongArray") && info.contains("modifications 1"), info);
        assertTrue(grove("store", "verify", dir.toString()).contains("all 2 objects match"));
    }

    private static String grove(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = dev.grove.cli.GroveCommand.run(args, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, code, "exit code; stderr: " + err);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aDamagedObjectIsNamedAndTheOthersStillRead() throws Exception {
        Path dir = newDir();
        try (LazyStore s = LazyStore.open(dir)) {
            s.put("good", values(1000, 1));
            s.put("bad", values(1000, 2));
            s.put("fine", values(1000, 3));
            s.commit();
            s.tidy();
            Path file = dir.resolve(s.info("bad").region());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, 500);
                one.flip();
                byte flipped = (byte) (one.get(0) ^ 0x10);
                ch.write(ByteBuffer.wrap(new byte[] {flipped}), 500);
            }
            assertEquals(List.of("bad"), s.verify());
            assertEquals(1.0, ((SharedDoubleArray) s.get("good")).getDouble(0));
            assertEquals(999 + 3.0, ((SharedDoubleArray) s.get("fine")).getDouble(999));
            s.tidy();
            assertEquals(List.of("bad"), s.repair());
            assertEquals(List.of("fine", "good"), s.names());
            assertEquals(List.of(), s.verify());
        }
    }

    /**
     * Tidying gives the memory back at once: once no view of an object is left in the process, the kernel's
     * list of its mappings no longer names the object's file (kept mappings included).
     */
    @Test
    void tidyUnmapsAtOnce() throws Exception {
        Path dir = newDir();
        try (LazyStore writer = LazyStore.open(dir)) {
            writer.put("x", values(1 << 12, 3));
            writer.commit();
        }
        try (LazyStore reader = LazyStore.open(dir)) {
            SharedDoubleArray x = reader.get("x");
            assertEquals(values(1 << 12, 3)[7], x.getDouble(7));
            Path file = Views.handle(x).region().file();
            assertTrue(mapsOf(file), "mapped while read: " + file);
            reader.tidy("x");
            assertFalse(mapsOf(file), "tidy leaves no mapping of " + file);
            assertEquals(values(1 << 12, 3)[7], ((SharedDoubleArray) reader.get("x")).getDouble(7), "mapped again");
        }
    }

    /** Whether {@code /proc/self/maps} lists a mapping of {@code file}. */
    private static boolean mapsOf(java.nio.file.Path file) throws java.io.IOException {
        String name = file.toAbsolutePath().toString();
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")).stream()
                .anyMatch(line -> line.endsWith(" " + name) || line.endsWith(" " + name + " (deleted)"));
    }
}

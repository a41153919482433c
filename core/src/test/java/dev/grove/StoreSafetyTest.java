package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The store refuses what it cannot trust (other owners, open permissions, links), reserves space up
 * front so a full store is an exception instead of a SIGBUS, and can live anywhere configuration says.
 * Runs as root, as this project's machines do: it changes owners and mounts a small tmpfs.
 */
class StoreSafetyTest {
    private static final int NOBODY = 65534;

    @Test
    void storeDirectoryMustBeOwnedAndPrivate(@TempDir Path tmp) throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        StoreException e = assertThrows(StoreException.class, () -> StoreDir.open(open));
        assertTrue(e.getMessage().contains("mode=rwxr-xr-x") && e.getMessage().contains(open.toString()), e.getMessage());

        Path foreign = Files.createDirectory(tmp.resolve("foreign"));
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(foreign, "unix:uid", NOBODY);
        e = assertThrows(StoreException.class, () -> StoreDir.open(foreign));
        assertTrue(e.getMessage().contains("owner.uid=" + NOBODY), e.getMessage());

        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("target")));
        assertThrows(StoreException.class, () -> StoreDir.open(link));

        Path fresh = tmp.resolve("fresh");
        StoreDir.open(fresh);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    void regionFilesMustBeOwnedAndPrivate() throws Exception {
        byte[] bytes;
        try (SharedDoubleArray v = Grove.share(new double[] {1})) {
            bytes = RegionFiles.bytesOf(v);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(RegionFiles.fileOf(v))));
        }
        String readable = RegionFiles.write(bytes);
        String foreign = RegionFiles.write(bytes);
        Path link = StoreDir.defaultStore().file(StoreDir.newName());
        try {
            Files.setPosixFilePermissions(StoreDir.defaultStore().file(readable), PosixFilePermissions.fromString("rw-r--r--"));
            StoreException e = assertThrows(StoreException.class, () -> Grove.map("/" + readable));
            assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
            Files.setAttribute(StoreDir.defaultStore().file(foreign), "unix:uid", NOBODY);
            e = assertThrows(StoreException.class, () -> Grove.map("/" + foreign));
            assertTrue(e.getMessage().contains("owner.uid=" + NOBODY), e.getMessage());
            Files.createSymbolicLink(link, StoreDir.defaultStore().file(foreign));
            assertThrows(StoreException.class, () -> Grove.map("/" + link.getFileName()));
        } finally {
            RegionFiles.delete(readable);
            RegionFiles.delete(foreign);
            Files.deleteIfExists(link);
        }
    }

    /** A test body given a store on its own small tmpfs mount. */
    private interface InSmallStore {
        void run(Path mount, StoreDir small) throws Exception;
    }

    private static void withSmallStore(Path tmp, int mebibytes, InSmallStore body) throws Exception {
        withMount(tmp, "size=" + mebibytes + "m,mode=0700", body);
    }

    private static void withMount(Path tmp, String options, InSmallStore body) throws Exception {
        Path mount = Files.createDirectory(tmp.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.toString());
        try {
            body.run(mount, StoreDir.open(mount.resolve("store")));
        } finally {
            run("umount", mount.toString());
        }
    }

    /** A file system out of inodes is as full as one out of bytes. */
    @Test
    void noInodeLeftIsAFullStore(@TempDir Path tmp) throws Exception {
        withMount(tmp, "size=8m,nr_inodes=16,mode=0700", (mount, small) -> {
            for (int i = 0; ; i++) {
                try {
                    Files.createFile(mount.resolve("filler" + i));
                } catch (IOException e) {
                    break; // every inode is used
                }
            }
            StoreFullException e = assertThrows(StoreFullException.class, () -> Regions.create(small, 4096));
            assertTrue(e.getMessage().contains("inodes") && e.getMessage().contains("store=" + small), e.getMessage());
            assertEquals(List.of(), small.regionNames());
        });
    }

    /**
     * Entries named like regions that are not regular files: a FIFO must not block a listing, a sweep or a
     * map (opening one for reading would wait for a writer forever), and a symbolic link is never followed,
     * so a sweep can neither lock nor delete what it points to.
     */
    @Test
    void fifosAndLinksNamedLikeRegionsAreNeverOpenedOrFollowed(@TempDir Path tmp) throws Exception {
        StoreDir store = StoreDir.defaultStore();
        String fifo = StoreDir.newName();
        String link = StoreDir.newName();
        Path target = tmp.resolve("target");
        byte[] region;
        try (SharedDoubleArray v = Grove.share(new double[] {1, 2})) {
            region = RegionFiles.bytesOf(v);
        }
        Files.write(target, region);
        Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(0)); // no lease: sweepable
        run("mkfifo", "-m", "600", store.file(fifo).toString());
        Files.createSymbolicLink(store.file(link), target);
        try {
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                assertEquals(0, dev.grove.cli.GroveCommand.run(new String[] {"ls"}, new java.io.PrintStream(out),
                        new java.io.PrintStream(out)));
                String ls = out.toString();
                assertTrue(ls.lines().anyMatch(l -> l.startsWith("/" + fifo) && l.contains("invalid:not-a-file")), ls);
                assertTrue(ls.lines().anyMatch(l -> l.startsWith("/" + link) && l.contains("invalid:symlink")), ls);
                List<String> freed = Regions.sweep(store, 0);
                assertFalse(freed.contains(fifo) || freed.contains(link), freed.toString());
                StoreException e = assertThrows(StoreException.class, () -> Grove.map("/" + fifo));
                assertTrue(e.getMessage().contains("wrong file type") && e.getMessage().contains(fifo), e.getMessage());
                e = assertThrows(StoreException.class, () -> Grove.map("/" + link));
                assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
            });
            assertTrue(Files.exists(target), "the link's target is untouched");
            assertArrayEquals(region, Files.readAllBytes(target));
            assertTrue(Files.exists(store.file(fifo), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.deleteIfExists(store.file(fifo));
            Files.deleteIfExists(store.file(link));
        }
    }

    /** The lease lock file is checked like everything in the store, and named for what it is. */
    @Test
    void aForeignLeaseLockFileIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        StoreDir store = StoreDir.open(dir);
        Path lock = dir.resolve(dev.grove.internal.Leases.LEASE_LOCK_FILE);
        Files.createFile(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Hold h = Regions.create(store, 4096);
        try {
            StoreException e = assertThrows(StoreException.class,
                    () -> dev.grove.internal.Leases.extend(h.region(), 1000));
            assertTrue(e.getMessage().contains("lease lock file") && !e.getMessage().contains("region file"),
                    e.getMessage());
        } finally {
            h.release();
        }
        assertEquals(List.of(), store.regionNames());
    }

    @Test
    void fullStoreFailsCleanlyWithSizes(@TempDir Path tmp) throws Exception {
        withSmallStore(tmp, 8, (mount, small) -> {
            StoreFullException e = assertThrows(StoreFullException.class, () -> Regions.create(small, 64L << 20));
            assertTrue(e.getMessage().contains("requested=" + (64L << 20)), e.getMessage());
            assertTrue(e.getMessage().matches(".*free=\\d+.*"), e.getMessage());
            assertTrue(e.getMessage().contains("--shm-size"), e.getMessage());
            assertEquals(List.of(), small.regionNames(), "nothing half-written is left");

            // The same through the public API, in a JVM whose store is configured to be that mount.
            try (ChildJvm child = ChildJvm.start(List.of("-Dgrove.store=" + mount.resolve("store")), Child.class)) {
                child.expect("ready", 30);
                child.send("share 100");
                child.expect("share ", 30);
                child.send("share 2000000");
                String error = child.expect("error ", 30);
                assertTrue(error.startsWith("StoreFullException") && error.contains("requested="), error);
                child.send("close-all");
                child.expect("close-all", 30);
                child.send("exit");
                assertEquals(0, child.waitFor(30));
            }
            assertEquals(List.of(), small.regionNames());
        });
    }

    @Test
    void aFullStoreGivesBackThisProcesssSparesBeforeFailing(@TempDir Path tmp) throws Exception {
        withSmallStore(tmp, 64, (mount, small) -> {
            Regions.create(small, 6L << 20).release();
            assertEquals(1, small.regionNames().size(), "the released 6 MiB region is kept as a spare");
            // Something else fills the file system until the spare's 6 MiB are about all that is free.
            Files.write(mount.resolve("filler"), new byte[52 << 20]);
            Hold h = Regions.create(small, 7L << 20);
            assertEquals(List.of(h.region().name()), small.regionNames(),
                    "7 MiB fit only after the spare was given back");
            h.release();
            assertEquals(List.of(), small.regionNames(), "not kept: the store is nearly full");
        });
    }

    @Test
    void sparesTakeAtMostAnEighthOfTheStoreAndNoneOnceItIsThreeQuartersFull(@TempDir Path tmp) throws Exception {
        withSmallStore(tmp, 64, (mount, small) -> {
            Regions.create(small, 10L << 20).release();
            assertEquals(List.of(), small.regionNames(), "10 MiB is more than an eighth of 64 MiB: deleted");
            Hold big = Regions.create(small, 45L << 20);
            Regions.create(small, 6L << 20).release();
            assertEquals(List.of(big.region().name()), small.regionNames(),
                    "with 13 of 64 MiB left free, the 6 MiB region is deleted, not kept");
            big.release();
            Regions.create(small, 6L << 20).release();
            assertEquals(1, small.regionNames().size(), "with room again, it is kept");
            Regions.dropSpares(small);
            assertEquals(List.of(), small.regionNames());
        });
    }

    @Test
    void storeIsChosenByEnvironmentVariable(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("env-store");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Child.class.getName());
        pb.environment().put("GROVE_STORE", dir.toString());
        Process p = pb.start();
        try (var in = p.outputWriter(); var out = p.inputReader()) {
            assertTrue(out.readLine().startsWith("ready"));
            in.write("share 10\n");
            in.flush();
            String line = out.readLine();
            assertTrue(line.startsWith("share "), line);
            String name = line.substring(7);
            assertTrue(Files.exists(dir.resolve(name)), "region created in $GROVE_STORE");
            in.write("close-all\nexit\n");
            in.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertFalse(Files.exists(dir.resolve(name)));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void storeOnDiskWorksLikeShm(@TempDir Path tmp) throws Exception {
        Path disk = tmp.resolve("disk-store");
        assertNotEquals("tmpfs", Files.getFileStore(tmp).type(), "this test wants a store outside tmpfs");
        try (ChildJvm a = ChildJvm.start(List.of("-Dgrove.store=" + disk), Child.class);
             ChildJvm b = ChildJvm.start(List.of("-Dgrove.store=" + disk), Child.class)) {
            a.expect("ready", 30);
            b.expect("ready", 30);
            a.send("share 100000");
            String path = a.expect("share ", 30);
            assertTrue(Files.exists(disk.resolve(path.substring(1))), "region file on disk");
            b.send("map " + path);
            double[] expected = new double[100_000];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = i;
            }
            assertEquals(Child.digest(expected), b.expect("map ", 30));
            a.send("close-all");
            a.expect("close-all", 30);
            b.send("close-all");
            b.expect("close-all", 30);
            assertFalse(Files.exists(disk.resolve(path.substring(1))), "deleted by the last holder");
            a.send("exit");
            b.send("exit");
            assertEquals(0, a.waitFor(30));
            assertEquals(0, b.waitFor(30));
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

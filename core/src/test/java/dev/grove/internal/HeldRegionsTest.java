package dev.grove.internal;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.cli.GroveCommand;
import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A region this process holds stays locked, as the kernel sees it, whatever is done to it or near it:
 * references (which move the lease time), recycling, sealing, verifying, listing, sweeping, and other code
 * opening and closing the file. Checked with {@code /proc/PID/fdinfo} and {@code /proc/locks}, never with
 * Grove's own bookkeeping; and from another process, whose sweep must leave a held region alone after its
 * lease has ended.
 */
class HeldRegionsTest {
    private static final long LEASE_MILLIS = 1000;

    @BeforeEach
    void shortLease() {
        System.setProperty("grove.lease.seconds", Double.toString(LEASE_MILLIS / 1000.0));
    }

    @AfterEach
    void restore() {
        System.setProperty("grove.lease.seconds", "2");
        Mapping.dropSpares(StoreDir.defaultStore());
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }

    /** The first reproduction of the lifetime defects issue: ref() used to drop the holder's lock. */
    @Test
    void aReferenceLeavesTheHoldersLockInPlace() {
        try (SharedDoubleArray v = Grove.share(new double[1000])) {
            KernelLocks.assertHeldHere(v, "after share");
            v.ref();
            KernelLocks.assertHeldHere(v, "after ref()");
            v.ref();
            KernelLocks.assertHeldHere(v, "after a second ref()");
            Mapping.checkHeld();
            afterTheLeaseAnotherProcessSweepsThenMaps(List.of(v));
        }
    }

    /** The second reproduction: a region made from a spare used to be held by nobody. */
    @Test
    void aRegionMadeFromASpareIsHeld() {
        long reused = LocalRegions.PROCESS.spares.reused();
        Grove.share(new double[300_000]).close();
        try (SharedDoubleArray v = Grove.share(new double[300_000])) {
            assertEquals(reused + 1, LocalRegions.PROCESS.spares.reused(), "the second region was made from the first one's spare");
            KernelLocks.assertHeldHere(v, "on a region made from a spare");
            v.ref();
            KernelLocks.assertHeldHere(v, "on a region made from a spare, after ref()");
            Mapping.checkHeld();
            afterTheLeaseAnotherProcessSweepsThenMaps(List.of(v));
        }
    }

    @Test
    void anAllocatedArrayIsHeldWhileWrittenAndAfterSealing() {
        List<String> before = Mapping.mappedHere();
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, 1 << 18)) {
            List<String> added = new ArrayList<>(Mapping.mappedHere());
            added.removeAll(before);
            assertEquals(1, added.size(), added.toString());
            String name = added.getFirst();
            assertTrue(KernelLocks.lockedBy(ProcessHandle.current().pid(), StoreDir.defaultStore().file(name)),
                    "held while being written");
            w.segment().fill((byte) 1);
            try (SharedDoubleArray v = w.seal()) {
                KernelLocks.assertHeldHere(v, "after seal()");
                v.ref();
                KernelLocks.assertHeldHere(v, "after seal() and ref()");
                afterTheLeaseAnotherProcessSweepsThenMaps(List.of(v));
            }
        }
    }

    /**
     * Everything that reads, lists or touches a held region file, in this process, including code that is not
     * Grove's: none of it may drop the lock. (With POSIX locks, each of the last three did.)
     */
    @Test
    void whateverTouchesAHeldRegionItStaysLocked() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", new double[] {1, 2, 3});
        m.put("names", List.of("a", "b"));
        try (SharedObject v = Grove.share(m)) {
            Path file = RegionFiles.fileOf(v);
            String name = file.getFileName().toString();
            Map<String, ThrowingRunnable> actions = new LinkedHashMap<>();
            actions.put("ref()", v::ref);
            actions.put("a sub-view's ref()", () -> {
                try (SharedObject x = Grove.map(v.path() + "[0]")) {
                    x.ref();
                }
            });
            actions.put("Grove.verify", () -> Grove.verify(v.path()));
            actions.put("grove ls", () -> grove("ls"));
            actions.put("grove inspect", () -> grove("inspect", v.path()));
            actions.put("grove verify", () -> grove("verify", v.path()));
            actions.put("a header read", () -> Mapping.header(StoreDir.defaultStore(), name));
            actions.put("isHeld", () -> assertTrue(Mapping.isHeld(StoreDir.defaultStore(), name)));
            actions.put("a sweep here", () -> assertFalse(Deletion.sweep(StoreDir.defaultStore(), 0).contains(name)));
            actions.put("another descriptor opened and closed", () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    ch.size();
                }
            });
            actions.put("Files.readAllBytes", () -> Files.readAllBytes(file));
            actions.put("Files.setLastModifiedTime by path", () -> Files.setLastModifiedTime(file,
                    FileTime.fromMillis(System.currentTimeMillis() + LEASE_MILLIS)));
            for (Map.Entry<String, ThrowingRunnable> a : actions.entrySet()) {
                a.getValue().run();
                KernelLocks.assertHeldHere(v, "after " + a.getKey());
                Mapping.checkHeld();
            }
            afterTheLeaseAnotherProcessSweepsThenMaps(List.of(v));
        }
    }

    /** The invariant check itself must be able to fail: a region whose lock is gone is named. */
    @Test
    void theHoldCheckNamesARegionWhoseLockIsGone() throws Exception {
        try (SharedDoubleArray v = Grove.share(new double[10])) {
            Hold h = Mapping.open(StoreDir.defaultStore(), Path.of(v.path()).getFileName().toString(), 0);
            RegionFile f = h.region().handle();
            try {
                f.unlock();
                assertFalse(KernelLocks.heldHere(v));
                IllegalStateException e = assertThrows(IllegalStateException.class, Mapping::checkHeld);
                assertTrue(e.getMessage().contains(v.path()), e.getMessage());
            } finally {
                f.lock(false);
                h.release();
            }
            Mapping.checkHeld();
        }
    }

    /**
     * A stress run: threads share (small and recycled regions), lease, hold for a while or close at once,
     * while two child JVMs map every reference. A reference whose holder is open, or whose lease runs, must
     * always map; nothing is left afterwards.
     */
    @Test
    void referencesWithAHolderOrALeaseAlwaysMapUnderConcurrentRecycling() throws Exception {
        System.setProperty("grove.lease.seconds", "20"); // lease-only references must outlive any stall here
        long seconds = Long.getLong("grove.test.stressSeconds", 6);
        List<ChildJvm> children = ChildJvm.startAll(2, Child.class);
        try {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            int[] checked = new int[1];
            for (int t = 0; t < 3; t++) {
                int seed = t;
                Thread th = new Thread(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    try {
                        for (int k = 0; System.nanoTime() < end; k++) {
                            double[] d = new double[random.nextBoolean() ? 128 : 1 << 17];
                            Arrays.fill(d, k);
                            SharedDoubleArray v = Grove.share(d);
                            String ref = v.ref().toString();
                            boolean leaseOnly = random.nextInt(3) == 0;
                            if (leaseOnly) {
                                v.close();
                            }
                            ChildJvm c = children.get(random.nextInt(children.size()));
                            String answer;
                            synchronized (c) {
                                c.send("check-any " + ref + " " + k);
                                answer = c.receive(30);
                            }
                            if (!answer.equals("check ok")) {
                                failures.add(new AssertionError("child " + c.pid() + " could not read " + ref
                                        + (leaseOnly ? " (lease only)" : " (held here)") + ":" + answer));
                            }
                            if (!leaseOnly) {
                                KernelLocks.assertHeldHere(v, "after a child mapped it");
                                v.close();
                            }
                            synchronized (checked) {
                                checked[0]++;
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "stress-" + t);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(List.of(), failures);
            assertTrue(checked[0] > 20, "enough references were checked: " + checked[0]);
            System.out.println("stress: " + checked[0] + " references mapped by children, none failed");
        } finally {
            for (ChildJvm c : children) {
                c.send("exit");
                c.waitFor(30);
            }
            System.setProperty("grove.lease.seconds", "2");
            endLeases();
        }
    }

    /** Lets every leased region still in the store go now (the test is over), and sweeps. */
    private static void endLeases() throws Exception {
        StoreDir store = StoreDir.defaultStore();
        for (String n : store.regionNames()) {
            Files.setLastModifiedTime(store.file(n), FileTime.fromMillis(System.currentTimeMillis() - 1));
        }
        Deletion.sweep(store, Deletion.DEFAULT_GRACE_MILLIS);
    }

    /**
     * Waits until the views' leases have ended, then lets a child JVM sweep the store (as any process may)
     * and map each view: the views are still held here, so nothing may be freed and every map must work.
     */
    static void afterTheLeaseAnotherProcessSweepsThenMaps(List<? extends SharedObject> held) {
        held.forEach(Await::leaseEnded);
        try (ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("sweep");
            String freed = child.expect("sweep", 30);
            for (SharedObject v : held) {
                String name = RegionFiles.fileOf(v).getFileName().toString();
                assertFalse(freed.contains(name), "another process's sweep freed a held region: " + name);
                assertTrue(Files.exists(RegionFiles.fileOf(v)));
                child.send("map " + v.path());
                assertEquals(Child.digest(v), child.expect("map ", 30), "the child maps the held region");
            }
            child.send("exit");
            assertEquals(0, child.waitFor(30));
        }
    }

    private static void grove(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, GroveCommand.run(args, new PrintStream(out), new PrintStream(out)), out.toString());
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}

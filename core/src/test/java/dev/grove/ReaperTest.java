package dev.grove;

import dev.grove.test.ChildJvm;
import dev.grove.test.Child;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the last Grove process of a store exits while a lease runs, the region is still deleted when the
 * lease ends: a detached reaper does it, one per store, and then exits. The store is one this test JVM
 * never opens, so nothing here sweeps it; what is checked is the file system and the process table.
 */
class ReaperTest {
    private static final Path STORE = Path.of("/dev/shm", "grove-reaper-test-" + ProcessHandle.current().pid());

    @Test
    void leasedRegionsOfExitedProcessesAreFreedWhenTheLeaseEndsByOneReaper() throws Exception {
        List<String> options = List.of("-Dgrove.store=" + STORE, "-Dgrove.lease.seconds=6", "-Dgrove.reaper=true");
        List<Path> files = new java.util.ArrayList<>();
        try (ChildJvm a = ChildJvm.start(options, Child.class); ChildJvm b = ChildJvm.start(options, Child.class)) {
            for (ChildJvm c : List.of(a, b)) {
                c.expect("ready", 60);
                c.send("publish 7"); // shares, takes a reference (a 6 s lease), closes its view
                String ref = c.expect("publish ", 30);
                files.add(STORE.resolve(SharedRef.parse(ref).regionName()));
            }
            a.closeInput();
            b.closeInput();
            assertEquals(0, a.waitFor(30));
            assertEquals(0, b.waitFor(30));
        }
        for (Path f : files) {
            assertTrue(Files.exists(f), "the lease keeps the region after its creator exited: " + f);
        }
        // Each exiting child starts one; the second finds the store's reaper lock taken and leaves (after
        // waiting two seconds for it, in case the first was about to leave).
        Thread.sleep(2_500);
        List<ProcessHandle> reapers = reapers();
        assertEquals(1, reapers.size(), "one reaper for the store, whatever the number of exiting processes");
        assertTrue(dev.grove.test.KernelLocks.lockedByAnyone(STORE.resolve(".grove-reaper-lock")),
                "the reaper holds the store's reaper lock");
        long until = System.currentTimeMillis() + 20_000;
        while (files.stream().anyMatch(Files::exists) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        for (Path f : files) {
            assertFalse(Files.exists(f), "deleted when its lease ended, with no Grove process left: " + f);
        }
        for (ProcessHandle r : reapers) {
            assertTrue(r.onExit().completeOnTimeout(null, 15, java.util.concurrent.TimeUnit.SECONDS).get() != null
                    || !r.isAlive(), "the reaper exits once nothing is left to wait for");
        }
    }

    private static List<ProcessHandle> reapers() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("dev.grove.internal.Reaper") && c.contains(STORE.toString())).orElse(false)).toList();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        reapers().forEach(ProcessHandle::destroy); // only if a check above failed: they exit by themselves
        if (Files.exists(STORE)) {
            try (Stream<Path> all = Files.walk(STORE)) {
                List<Path> paths = all.sorted(Comparator.reverseOrder()).toList();
                List<String> regions = paths.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith("grove_")).toList();
                for (Path p : paths) {
                    Files.delete(p);
                }
                assertEquals(List.of(), regions, "regions left in the reaper test's store");
            }
        }
    }
}

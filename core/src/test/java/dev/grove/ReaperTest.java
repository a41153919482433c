package dev.grove;

import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
        Map<Path, Long> leaseEnds = new LinkedHashMap<>();
        try (ChildJvm a = ChildJvm.start(options, Child.class); ChildJvm b = ChildJvm.start(options, Child.class)) {
            for (ChildJvm c : List.of(a, b)) {
                c.expect("ready", 60);
                c.send("publish 7"); // shares, takes a reference (a 6 s lease), closes its view
                Path f = STORE.resolve(SharedRef.parse(c.expect("publish ", 30)).regionName());
                leaseEnds.put(f, Files.getLastModifiedTime(f).toMillis()); // a lease ends at the file's time
            }
            a.closeInput();
            b.closeInput();
            assertEquals(0, a.waitFor(60));
            assertEquals(0, b.waitFor(60));
        }
        // Each exiting child starts a reaper; a second one finds the store's reaper lock taken and leaves. Watched
        // until both files are gone: the lock never has two holders, a reaper holds it, and no file goes early.
        Path lock = STORE.resolve(".grove-reaper-lock");
        Set<Long> holders = new HashSet<>();
        Await.until("the reaper deleted " + leaseEnds.keySet(), 60 + 6, () -> {
            long now = System.currentTimeMillis();
            for (Map.Entry<Path, Long> e : leaseEnds.entrySet()) {
                assertTrue(Files.exists(e.getKey()) || now >= e.getValue(),
                        "deleted only once its lease ended: " + e.getKey() + " leaseEnd=" + e.getValue() + " now=" + now);
            }
            assertTrue(KernelLocks.locksOn(lock) <= 1, "one holder of " + lock + " at a time, by /proc/locks");
            for (ProcessHandle r : reapers()) {
                if (KernelLocks.lockedBy(r.pid(), lock)) {
                    holders.add(r.pid());
                }
            }
            return leaseEnds.keySet().stream().noneMatch(Files::exists);
        });
        assertFalse(holders.isEmpty(), "a reaper held the store's reaper lock while the leases ran");
        Await.until("every reaper of the store exited once nothing was left to wait for: " + reapers(),
                60, () -> reapers().isEmpty());
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

package dev.grove;

import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;
import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import dev.grove.test.Progress;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Child JVMs that hold and churn regions (small ones and recycled ones, with and without references) are
 * killed with SIGKILL at random moments, round after round. After each kill a sweep must remove what the dead
 * child held alone, and must never remove a region a live process (this one, or a long-lived second child)
 * still holds, including regions made from spares and regions whose references' leases have ended.
 */
class KillTest {
    private static final int ROUNDS = Integer.getInteger("grove.test.killRounds", 50);

    @Test
    void killedProcessesLeakNothingAndLiveHoldersKeepTheirRegions() throws Exception {
        StoreDir store = StoreDir.defaultStore();
        Random random = new Random(Long.getLong("grove.test.seed", System.nanoTime()));
        List<Object> original = List.of("held by the test", new double[] {1, 2, 3});
        SharedList<Object> mine = Grove.share(original);
        String myDigest = Child.digest(original);
        Path myFile = RegionFiles.fileOf(mine);
        Grove.share(new double[1 << 17]).close();
        SharedDoubleArray myRecycled = Grove.share(new double[1 << 17]); // made from the spare just released
        myRecycled.ref();
        Path myRecycledFile = RegionFiles.fileOf(myRecycled);
        int insideOperations = 0;
        try (ChildJvm survivor = ChildJvm.start(Child.class)) {
            survivor.expect("ready", 30);
            survivor.send("map " + mine.path());
            survivor.expect("map ", 30);
            survivor.send("share 1000");
            String survivorPath = survivor.expect("share ", 30);
            Path survivorFile = store.file(survivorPath.substring(1));
            survivor.send("share-recycled " + (1 << 17));
            Path survivorRecycled = store.file(survivor.expect("share-recycled ", 30).substring(1));
            List<Path> live = List.of(myFile, myRecycledFile, survivorFile, survivorRecycled);
            survivor.send("read");
            String survivorDigests = survivor.expect("read", 30);

            for (int round = 0; round < ROUNDS; round++) {
                try (ChildJvm victim = ChildJvm.start(Child.class)) {
                    victim.expect("ready", 30);
                    victim.send("map " + mine.path());
                    victim.expect("map ", 30);
                    victim.send("map " + survivorPath);
                    victim.expect("map ", 30);
                    victim.send("share 5000");
                    victim.expect("share ", 30);
                    Progress.Landing at;
                    try (Progress progress = Progress.create(Path.of("target", "kill-progress"))) {
                        victim.send("churn " + progress.path());
                        victim.expect("churn started", 30);
                        at = progress.killDuringOperations(victim, 20, random);
                    }
                    assertFalse(victim.isAlive());
                    insideOperations += at.inside() ? 1 : 0;
                }
                long sweptAt = System.currentTimeMillis(); // a lease ending after this may still stand
                List<String> freed = Regions.sweep(store, 0);
                for (Path p : live) {
                    assertFalse(freed.contains(p.getFileName().toString()), "round " + round + ": swept a held region " + p);
                    assertTrue(Files.exists(p), "round " + round + ": " + p);
                }
                assertTrue(KernelLocks.lockedBy(survivor.pid(), survivorRecycled), "round " + round);
                KernelLocks.assertHeldHere(myRecycled, "in round " + round);
                assertEquals(myDigest, Child.digest(mine));
                survivor.send("read");
                assertEquals(survivorDigests, survivor.expect("read", 30), "round " + round + ": the live child still reads all");
                for (String name : store.regionNames()) {
                    boolean isLive = live.stream().anyMatch(p -> p.getFileName().toString().equals(name));
                    long leaseEnd;
                    try {
                        leaseEnd = Files.getLastModifiedTime(store.file(name)).toMillis();
                    } catch (java.nio.file.NoSuchFileException sweptSinceListed) {
                        continue; // a lease that just ended, its file deleted by another process's sweep
                    }
                    assertTrue(isLive || leaseEnd >= sweptAt,
                            "round " + round + ": only the live regions and leased ones remain, not " + name);
                }
            }
            List<String> liveNames = live.stream().map(p -> p.getFileName().toString()).sorted().toList();
            Await.until("once the dead children's last leases end, a sweep leaves only the live regions " + liveNames,
                    () -> {
                        Regions.sweep(store, 0);
                        return store.regionNames().stream().sorted().toList().equals(liveNames);
                    });
            survivor.send("exit");
            assertEquals(0, survivor.waitFor(30));
        }
        System.out.println("kill test: " + ROUNDS + " kills, " + insideOperations + " inside share, map or close");
        assertTrue(insideOperations >= ROUNDS / 2, "kills inside an operation: " + insideOperations + " of " + ROUNDS);
        mine.close();
        myRecycled.close();
        Regions.dropSpares(store);
        Regions.sweep(store, 0);
        assertEquals(List.of(), store.regionNames(), "zero region files once every holder is gone");
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

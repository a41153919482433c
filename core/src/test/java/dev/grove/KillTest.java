package dev.grove;

import dev.grove.internal.Regions;
import dev.grove.internal.Store;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Child JVMs that hold and churn regions are killed with SIGKILL at random moments, round after round.
 * After each kill a sweep must remove what the dead child held alone, and must never remove a region a
 * live process (this one, or a long-lived second child) still holds.
 */
class KillTest {
    private static final int ROUNDS = Integer.getInteger("grove.test.killRounds", 50);

    @Test
    void killedProcessesLeakNothingAndLiveHoldersKeepTheirRegions() {
        Store store = Store.defaultStore();
        Random random = new Random(Long.getLong("grove.test.seed", System.nanoTime()));
        List<Object> original = List.of("held by the test", new double[] {1, 2, 3});
        SharedList<Object> mine = Grove.share(original);
        String myDigest = Child.digest(original);
        Path myFile = RegionFiles.fileOf(mine);
        try (ChildJvm survivor = ChildJvm.start(Child.class)) {
            survivor.expect("ready", 30);
            survivor.send("map " + mine.path());
            survivor.expect("map ", 30);
            survivor.send("share 1000");
            String survivorPath = survivor.expect("share ", 30);
            Path survivorFile = store.file(survivorPath.substring(1));
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
                    victim.send("churn");
                    victim.expect("churn started", 30);
                    Leaks.sleep(random.nextInt(150));
                    victim.kill();
                    assertFalse(victim.isAlive());
                }
                List<String> freed = Regions.sweep(store, 0);
                assertFalse(freed.contains(myFile.getFileName().toString()), "round " + round + ": swept a region this process holds");
                assertFalse(freed.contains(survivorFile.getFileName().toString()), "round " + round + ": swept a live child's region");
                assertTrue(Files.exists(myFile) && Files.exists(survivorFile), "round " + round);
                assertEquals(myDigest, Child.digest(mine));
                survivor.send("read");
                assertEquals(survivorDigests, survivor.expect("read", 30), "round " + round + ": the live child still reads all");
                List<String> left = store.regionNames();
                assertEquals(2, left.size(), "round " + round + ": only the two live regions remain, not " + left);
            }
            survivor.send("exit");
            assertEquals(0, survivor.waitFor(30));
        }
        mine.close();
        Regions.sweep(store, 0);
        assertEquals(List.of(), store.regionNames(), "zero region files once every holder is gone");
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

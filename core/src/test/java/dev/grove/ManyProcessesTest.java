package dev.grove;

import dev.grove.test.ChildJvm;
import dev.grove.test.Child;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Four JVMs each publish a region per cycle and drop it at once (its lease keeps it), and each maps and
 * checks its neighbour's: every map must succeed, and nothing may be left at the end.
 */
class ManyProcessesTest {
    private static final int WORKERS = 4;
    private static final int CYCLES = Integer.getInteger("grove.test.cycles", 500);

    @Test
    void workersMapEachOthersRegions() {
        List<ChildJvm> workers = ChildJvm.startAll(WORKERS, Child.class);
        try {
            for (int k = 0; k < CYCLES; k++) {
                for (ChildJvm w : workers) {
                    w.send("publish " + k);
                }
                String[] refs = new String[WORKERS];
                for (int w = 0; w < WORKERS; w++) {
                    refs[w] = workers.get(w).expect("publish ", 30);
                }
                for (int w = 0; w < WORKERS; w++) {
                    workers.get((w + 1) % WORKERS).send("check " + refs[w] + " " + k);
                }
                for (int w = 0; w < WORKERS; w++) {
                    assertEquals("check ok", workers.get(w).receive(30), "cycle " + k + " worker " + w);
                }
            }
            for (ChildJvm w : workers) {
                w.send("exit");
            }
            for (ChildJvm w : workers) {
                assertEquals(0, w.waitFor(30));
            }
        } finally {
            workers.forEach(ChildJvm::close);
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

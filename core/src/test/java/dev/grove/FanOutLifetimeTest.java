package dev.grove;

import dev.grove.test.Await;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.KernelLocks;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The warm fan-out that failed under load before the lock fix: eight child JVMs map list views this process
 * shares thirty at a time, twice, so that the second round's regions are made from the first round's spares.
 * Every reference is mapped only after its lease has ended, while this process still holds the view: the
 * hold alone must keep each region. {@code -Dgrove.test.fanoutRuns=20} repeats the whole scenario.
 */
class FanOutLifetimeTest {
    private static final int CHILDREN = 8;
    private static final int VIEWS = 30;
    private static final long LEASE_MILLIS = 1000;

    @AfterEach
    void restore() {
        System.setProperty("grove.lease.seconds", "2");
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }

    @Test
    void childrenMapHeldRecycledViewsAfterTheirLeasesEnd() {
        System.setProperty("grove.lease.seconds", Double.toString(LEASE_MILLIS / 1000.0));
        int runs = Integer.getInteger("grove.test.fanoutRuns", 1);
        List<ChildJvm> children = ChildJvm.startAll(CHILDREN, Child.class);
        try {
            for (int run = 0; run < runs; run++) {
                for (int round = 0; round < 2; round++) {
                    fanOut(children, run + ":" + round);
                }
            }
            for (ChildJvm c : children) {
                c.send("exit");
            }
            for (ChildJvm c : children) {
                assertEquals(0, c.waitFor(30));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    private static void fanOut(List<ChildJvm> children, String round) {
        List<SharedList<Object>> views = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        List<Double> sums = new ArrayList<>();
        try {
            for (int k = 0; k < VIEWS; k++) {
                double[] a = new double[1 << 16]; // two 512 KiB arrays: a 1 MiB region, recycled once closed
                double[] b = new double[1 << 16];
                Arrays.fill(a, k);
                Arrays.fill(b, 0.5);
                SharedList<Object> v = Grove.share(List.<Object>of(a, b));
                views.add(v);
                refs.add(v.ref().toString());
                sums.add(Child.sum(v));
            }
            for (SharedList<Object> v : views) {
                Await.leaseEnded(v);
                KernelLocks.assertHeldHere(v, "in round " + round + " after its lease ended");
            }
            for (ChildJvm c : children) {
                for (String ref : refs) {
                    c.send("sum " + ref);
                }
            }
            for (ChildJvm c : children) {
                for (int k = 0; k < VIEWS; k++) {
                    assertEquals("sum " + sums.get(k), c.receive(60), "round " + round + ": child " + c.pid()
                            + " maps " + refs.get(k) + " held here after its lease");
                }
                c.send("close-all");
            }
            for (ChildJvm c : children) {
                assertEquals("close-all ok", c.receive(60));
            }
        } finally {
            views.forEach(SharedObject::close);
        }
    }
}

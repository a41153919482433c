package dev.grove.integrations;

import dev.grove.RegionStore;
import example.app.Unlisted;
import dev.grove.test.Await;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hazelcast 5.7 in child JVMs on loopback, Java serialization behind a strict whitelist ({@code dev.grove.}
 * and the task class, nothing else of the application): an {@code IMap} entry and an executor task carry a
 * 16 MB array as a Grove view and as a plain array, side by side. Bytes carried are the sender's
 * {@code wchar} in {@code /proc/PID/io}; memory is the receiver's {@code smaps_rollup}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastTest {
    private static final int N = 2_000_000; // 16 MB of doubles
    private final String cluster = "grove-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final int[] ports = Children.freePorts(2);
    private ChildJvm a;
    private ChildJvm b;

    @BeforeAll
    void startMembers() {
        String all = ports[0] + "," + ports[1];
        a = Children.start(HazelcastChild.class, "member", cluster, Integer.toString(ports[0]), all, "2");
        b = Children.start(HazelcastChild.class, "member", cluster, Integer.toString(ports[1]), all, "2");
        a.expect("ready", 120);
        b.expect("ready", 120);
    }

    @AfterAll
    void stopMembers() {
        for (ChildJvm c : new ChildJvm[] {a, b}) {
            if (c != null) {
                c.send("exit");
                c.waitFor(60);
                c.close();
            }
        }
        Leaks.assertNoRegionsLeft(30);
    }

    @Test
    void anIMapEntryCarriesAViewUnderAStrictWhitelist() {
        long viewBytes = Children.number(Children.ask(a, "put-view data " + N + " 1"), "wchar");
        long plainBytes = Children.number(Children.ask(a, "put-plain plain " + N + " 2"), "wchar");
        String gotView = Children.ask(b, "get data " + N + " 1");
        String gotPlain = Children.ask(b, "get plain " + N + " 2");
        assertTrue(gotView.startsWith("ok") && gotView.contains("type=SharedDoubleArray"), gotView);
        assertTrue(gotPlain.startsWith("ok") && gotPlain.contains("type=double[]"), gotPlain);
        System.out.printf("Hazelcast IMap, %s array: carried %d bytes as a view, %d as an array; stored entry %d vs %d bytes; "
                        + "the reading thread allocated %s vs %s of heap%n", Children.mb(N * 8L), viewBytes, plainBytes,
                Children.number(gotView, "cost"), Children.number(gotPlain, "cost"),
                Children.mb(Children.number(gotView, "heap")), Children.mb(Children.number(gotPlain, "heap")));
        assertTrue(plainBytes >= N * 8L, "the meter must see the plain array leave: wchar=" + plainBytes);
        assertTrue(viewBytes < 64 * 1024, "a view must travel as a reference: wchar=" + viewBytes);
        assertTrue(Children.number(gotView, "cost") < 4096, gotView);
        // The control: the whitelist is on, and refuses a class it does not name.
        Children.ask(a, "put-unlisted unlisted");
        b.send("get unlisted 0 0");
        String refused = b.expect("get ", 60);
        assertTrue(refused.startsWith("error") && refused.contains(Unlisted.class.getName()), refused);
        Children.ask(a, "remove unlisted");
        Children.ask(a, "remove data");
        Children.ask(a, "remove plain");
        Children.ask(a, "close-all");
    }

    @Test
    void anExecutorTaskCarriesAView() {
        long b0 = Children.number(Children.ask(b, "allocated"), "bytes");
        String view = Children.ask(a, "exec-view " + N + " 4");
        long b1 = Children.number(Children.ask(b, "allocated"), "bytes");
        String plain = Children.ask(a, "exec-plain " + N + " 5");
        long b2 = Children.number(Children.ask(b, "allocated"), "bytes");
        assertTrue(view.startsWith("ok"), view);
        assertTrue(plain.startsWith("ok"), plain);
        long viewBytes = Children.number(view, "wchar");
        long plainBytes = Children.number(plain, "wchar");
        System.out.printf("Hazelcast executor, %s array: task carried %d bytes with a view, %d with the array; "
                + "the running member allocated %s vs %s of heap%n", Children.mb(N * 8L), viewBytes, plainBytes,
                Children.mb(b1 - b0), Children.mb(b2 - b1));
        assertTrue(plainBytes >= N * 8L, "wchar=" + plainBytes);
        assertTrue(viewBytes < 64 * 1024, "wchar=" + viewBytes);
    }

    /**
     * A pinned reference stored in the map outlives the JVM that made it and the lease: a client pins and
     * stores it and exits; after a lease-length and a sweep a third JVM reads it; unpinning frees the file.
     */
    @Test
    void aPinnedReferenceInAMapOutlivesItsCreator() throws Exception {
        String path;
        String pin;
        try (ChildJvm creator = Children.start(HazelcastChild.class, "client", cluster, Integer.toString(ports[0]))) {
            creator.expect("ready", 120);
            String put = Children.ask(creator, "put-pinned pinned " + N + " 6");
            path = Children.word(put, "path");
            pin = Children.word(put, "pin");
            Children.ask(creator, "exit");
            assertEquals(0, creator.waitFor(60));
        }
        RegionStore store = RegionStore.defaultStore();
        Path file = store.file(path);
        try {
            Await.leaseEnded(file);
            store.sweep();
            assertTrue(Files.exists(file), "a pinned region must survive its creator, its lease and a sweep: " + file);
            try (ChildJvm reader = Children.start(HazelcastChild.class, "client", cluster, Integer.toString(ports[0]))) {
                reader.expect("ready", 120);
                String got = Children.ask(reader, "get pinned " + N + " 6");
                assertTrue(got.startsWith("ok") && got.contains("type=SharedDoubleArray"), got);
                assertEquals("ok", Children.ask(reader, "unpin " + pin));
                Children.ask(reader, "remove pinned");
                Children.ask(reader, "exit");
                assertEquals(0, reader.waitFor(60));
            }
        } finally {
            store.unpin(pin); // a no-op once the reader unpinned; after a failure, no pin outlives the suite
        }
        store.sweep();
        assertFalse(Files.exists(file), "unpinned and unheld, the region must be gone: " + file);
    }
}

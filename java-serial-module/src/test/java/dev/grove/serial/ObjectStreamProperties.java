package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.SharedObject;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every view type through plain object streams: in this JVM, with sub-paths, and into a child JVM. */
class ObjectStreamProperties {
    private static ChildJvm child;
    private static final AtomicInteger maxBytes = new AtomicInteger();

    @Provide
    Arbitrary<Object> graphs() {
        return Graphs.graphs(3);
    }

    @Provide
    Arbitrary<Object> containers() {
        return Graphs.containers();
    }

    @Property(tries = 200)
    void viewsRoundTripThroughPlainObjectStreams(@ForAll("graphs") Object graph) throws Exception {
        try (SharedObject view = Grove.share(graph)) {
            byte[] bytes = Streams.write(view);
            maxBytes.accumulateAndGet(bytes.length, Math::max);
            assertTrue(bytes.length <= 160, "at most 160 bytes: " + bytes.length + " for " + view.path());
            try (SharedObject back = (SharedObject) Streams.read(bytes)) {
                assertEquals(view.getClass(), back.getClass());
                assertEquals(view.path(), back.path());
                assertEquals(Graphs.canon(graph), Graphs.canon(back));
            }
        }
    }

    @Property(tries = 80)
    void subViewsRoundTripToo(@ForAll("containers") Object graph) throws Exception {
        try (SharedObject view = Grove.share(graph)) {
            Graphs.subPaths(graph, 20, (suffix, expected) -> {
                try (SharedObject sub = Grove.map(view.path() + suffix)) {
                    if (sub != null) {
                        try (SharedObject back = (SharedObject) Streams.read(Streams.write(sub))) {
                            assertEquals(view.path() + suffix, back.path());
                            assertEquals(Graphs.canon(expected), Graphs.canon(back));
                        }
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Property(tries = 60)
    void viewsRoundTripIntoAChildJvm(@ForAll("graphs") Object graph) {
        if (child == null) {
            child = ChildJvm.start(SerialChild.class);
            child.expect("ready", 60);
        }
        try (SharedObject view = Grove.share(graph)) {
            child.send(Base64.getEncoder().encodeToString(Streams.write(view)));
            assertEquals(Child.digest(graph), child.expect("digest ", 30));
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("largest java.io form of a view in this run: " + maxBytes.get() + " bytes");
        if (child != null) {
            child.close();
        }
        Leaks.assertNoRegionsLeft(30);
    }
}

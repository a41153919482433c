package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.SharedObject;
import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import dev.grove.check.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every view type through plain object streams: in this JVM, with sub-paths, and into a child JVM. */
class ObjectStreamProperties {
    private static ChildJvm child;
    private static final AtomicInteger maxBytes = new AtomicInteger();

    @Test
    void viewsRoundTripThroughPlainObjectStreams() {
        Property.forAll(Graphs.graphs(3)).tries(200).check(ObjectStreamProperties::throughObjectStreams);
    }

    private static void throughObjectStreams(Object graph) throws Exception {
        try (SharedObject view = Grove.share(graph)) {
            byte[] bytes = Streams.write(view);
            maxBytes.accumulateAndGet(bytes.length, Math::max);
            assertTrue(bytes.length <= 100, "at most 100 bytes (issue 16): " + bytes.length + " for " + view.path());
            try (SharedObject back = (SharedObject) Streams.read(bytes)) {
                assertEquals(view.getClass(), back.getClass());
                assertEquals(view.path(), back.path());
                assertEquals(Graphs.canon(graph), Graphs.canon(back));
            }
        }
    }

    @Test
    void subViewsRoundTripToo() {
        Property.forAll(Graphs.containers()).tries(80).check(ObjectStreamProperties::subViewsThroughObjectStreams);
    }

    private static void subViewsThroughObjectStreams(Object graph) throws Exception {
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

    @Test
    void viewsRoundTripIntoAChildJvm() {
        Property.forAll(Graphs.graphs(3)).tries(60).check(ObjectStreamProperties::intoChild);
    }

    private static void intoChild(Object graph) {
        if (child == null) {
            child = ChildJvm.start(SerialChild.class);
            child.expect("ready", 60);
        }
        try (SharedObject view = Grove.share(graph)) {
            child.send(Base64.getEncoder().encodeToString(Streams.write(view)));
            assertEquals(Child.digest(graph), child.expect("digest ", 30));
        }
    }

    @AfterAll
    static void report() {
        System.out.println("largest java.io form of a view in this run: " + maxBytes.get() + " bytes");
        if (child != null) {
            child.close();
        }
        Leaks.assertNoRegionsLeft(30);
    }
}

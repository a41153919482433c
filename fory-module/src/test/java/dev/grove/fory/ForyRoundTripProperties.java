package dev.grove.fory;

import dev.grove.Grove;
import dev.grove.SharedObject;
import dev.grove.test.ChildJvm;
import dev.grove.test.Child;
import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import org.apache.fory.BaseFory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Arbitrary shared graphs through Fory, at the root and inside a user's class, in every Fory
 * configuration, in this JVM and into child JVMs (one with {@code Fory}, one with {@code ThreadSafeFory}).
 */
class ForyRoundTripProperties {
    private static final List<BaseFory> FORYS = Forys.all();
    private static ChildJvm plainChild;
    private static ChildJvm threadSafeChild;

    /** A graph and the Fory configuration (or child) to carry it. */
    record Input(Object graph, int config) {
    }

    @Test
    void sharedGraphsRoundTripInProcess() {
        Property.forAll(s -> new Input(Graphs.graphs(3).generate(s), Gens.ints(0, 7).generate(s))).tries(150)
                .check(in -> roundTripInProcess(in.graph(), in.config()));
    }

    private static void roundTripInProcess(Object graph, int config) {
        BaseFory fory = FORYS.get(config);
        try (SharedObject view = Grove.share(graph)) {
            Object root = fory.deserialize(fory.serialize(view));
            assertEquals(Graphs.canon(graph), Graphs.canon(root), Forys.describe(config));
            ((SharedObject) root).close();
            Forys.Payload p = new Forys.Payload();
            p.anything = view;
            p.name = "around it";
            Forys.Payload back = (Forys.Payload) fory.deserialize(fory.serialize(p));
            assertEquals(Graphs.canon(graph), Graphs.canon(back.anything), Forys.describe(config));
            assertEquals(view.path(), ((SharedObject) back.anything).path());
            ((SharedObject) back.anything).close();
        }
    }

    @Test
    void sharedGraphsRoundTripIntoChildJvms() {
        Property.forAll(s -> new Input(Graphs.graphs(3).generate(s), Gens.ints(0, 1).generate(s))).tries(60)
                .check(in -> roundTripIntoChild(in.graph(), in.config() == 1));
    }

    private static void roundTripIntoChild(Object graph, boolean threadSafe) {
        ChildJvm child = child(threadSafe);
        ForyBridge bridge = ForyBridge.of(Forys.fory(true, false, threadSafe));
        try (SharedObject view = Grove.share(graph)) {
            Forys.Payload p = new Forys.Payload();
            p.anything = view;
            child.send(Base64.getEncoder().encodeToString(bridge.serialize(p)));
            assertEquals(Child.digest(graph), child.expect("digest ", 30));
            child.send(Base64.getEncoder().encodeToString(bridge.serialize(view)));
            assertEquals(Child.digest(graph), child.expect("digest ", 30));
        }
    }

    private static synchronized ChildJvm child(boolean threadSafe) {
        if (threadSafe && threadSafeChild == null) {
            threadSafeChild = ChildJvm.start(GrpcTest.FORY_FLAGS, ForyChild.class, "thread-safe");
            threadSafeChild.expect("ready", 60);
        }
        if (!threadSafe && plainChild == null) {
            plainChild = ChildJvm.start(GrpcTest.FORY_FLAGS, ForyChild.class, "plain");
            plainChild.expect("ready", 60);
        }
        return threadSafe ? threadSafeChild : plainChild;
    }

    @AfterAll
    static void stopChildrenAndCheckLeaks() {
        for (ChildJvm c : new ChildJvm[] {plainChild, threadSafeChild}) {
            if (c != null) {
                c.close();
            }
        }
        Leaks.assertNoRegionsLeft(30);
    }
}

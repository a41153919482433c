package dev.grove;

import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.grove.test.Graphs.canon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** For arbitrary graphs of every supported type: the view equals the original, and so does every sub-path. */
class RoundTripProperties {

    @Provide
    Arbitrary<Object> graphs() {
        return Graphs.graphs(3);
    }

    @Provide
    Arbitrary<Object> containers() {
        return Graphs.containers();
    }

    @Property(tries = 300)
    void viewEqualsOriginal(@ForAll("graphs") Object original) {
        try (SharedObject view = Grove.share(original)) {
            assertEquals(canon(original), canon(view), "canonical contents");
            if (Graphs.isView(view) && !Graphs.holdsMatrix(original) && !(original instanceof double[][])) {
                Object expected = Graphs.asViewSees(original);
                assertEquals(expected, view, "expected.equals(view) through the collection interfaces");
                assertEquals(view, expected, "view.equals(expected)");
                assertEquals(expected.hashCode(), view.hashCode(), "hashCode");
            }
            try (SharedObject again = Grove.map(view.path())) {
                assertEquals(canon(original), canon(again), "mapped again by path");
                assertEquals(view.path(), again.path());
            }
        }
    }

    private static final AtomicInteger VISITED = new AtomicInteger();

    @Property(tries = 150)
    void everySubPathMapsToAnEqualSubView(@ForAll("containers") Object original) {
        AtomicInteger visited = VISITED;
        try (SharedObject root = Grove.share(original)) {
            Graphs.subPaths(original, 60, (suffix, expected) -> {
                String path = root.path() + suffix;
                try (SharedObject sub = Grove.map(path)) {
                    assertEquals(canon(expected), canon(sub), "at " + path);
                    if (sub != null) {
                        assertEquals(path, sub.path());
                    }
                }
                visited.incrementAndGet();
            });
        }
    }

    @AfterContainer
    static void nothingLeaks() {
        assertTrue(VISITED.get() > 150, "sub-paths were visited: " + VISITED.get());
        Leaks.assertNoRegionsLeft(30);
    }
}

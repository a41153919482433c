package dev.grove;

import dev.grove.test.Graphs;
import dev.grove.test.Leaks;
import dev.grove.check.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.grove.test.Graphs.canon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** For arbitrary graphs of every supported type: the view equals the original, and so does every sub-path. */
class RoundTripProperties {

    @Test
    void viewEqualsOriginal() {
        Property.forAll(Graphs.graphs(3)).tries(300).check(RoundTripProperties::viewEqualsOriginal);
    }

    private static void viewEqualsOriginal(Object original) {
        try (SharedObject view = Grove.share(original)) {
            assertEquals(canon(original), canon(view), "canonical contents");
            if (Graphs.isView(view) && !Graphs.holdsMatrix(original) && !Graphs.isMatrix(original)) {
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

    @Test
    void everySubPathMapsToAnEqualSubView() {
        Property.forAll(Graphs.containers()).tries(150).check(RoundTripProperties::everySubPathMapsToAnEqualSubView);
    }

    private static void everySubPathMapsToAnEqualSubView(Object original) {
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

    @AfterAll
    static void nothingLeaks() {
        assertTrue(VISITED.get() > 150, "sub-paths were visited: " + VISITED.get());
        Leaks.assertNoRegionsLeft(30);
    }
}

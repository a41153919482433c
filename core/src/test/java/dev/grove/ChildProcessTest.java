package dev.grove;

import dev.grove.test.Child;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A second JVM maps regions by path and by reference and sees exactly what was shared. */
class ChildProcessTest {

    @Test
    void secondProcessMapsByPathAndReference() {
        double[] prices = new double[100_000];
        for (int i = 0; i < prices.length; i++) {
            prices[i] = i * 0.5;
        }
        Table t = Table.builder().column("price", prices).column("id", new long[prices.length]).build();
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("table", t);
        graph.put("names", new String[] {"a", null, "\uD83C\uDF33"});
        graph.put("nested", List.of(1, List.of("x", 2.5f), Map.of("k", 'c')));
        try (SharedMap<Object> shared = Grove.share(graph);
             ChildJvm child = ChildJvm.start(Child.class)) {
            child.expect("ready", 30);
            child.send("map " + shared.path());
            assertEquals(Child.digest(shared), child.expect("map ", 30));
            child.send("map " + shared.path() + "[0][0]");
            try (SharedObject price = Grove.map(shared.path() + "[0][0]")) {
                assertEquals(Child.digest(price), child.expect("map ", 30));
            }
            child.send("map " + shared.path() + "[2][1]");
            assertEquals(Child.digest(List.of("x", 2.5f)), child.expect("map ", 30));
            child.send("ref " + shared.ref());
            assertEquals(Child.digest(shared), child.expect("ref ", 30));
            child.send("ref " + SharedRef.of(shared.path(), shared.ref().regionId() + 1));
            String error = child.expect("error ", 30);
            assertTrue(error.startsWith("StaleReferenceException"), error);
            child.send("map " + shared.path() + "[7]");
            assertTrue(child.expect("error ", 30).startsWith("InvalidPathException"));
            child.send("exit");
            child.expect("exit", 30);
            assertEquals(0, child.waitFor(30));
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

package dev.grove.integrations;

import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import example.app.Unlisted;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one documented filter pattern, {@code dev.grove.*}, is enough for a JVM-wide java.io filter: a view
 * read by a child JVM started with {@code -Djdk.serialFilter=dev.grove.*;!*} arrives, every class the
 * filter is asked about is a public-package Grove class (none in {@code dev.grove.internal}) or an array of
 * primitives, and an application class off the pattern is refused.
 */
class SerialFilterTest {
    private static String serialized(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Test
    void aJvmWideFilterOfOneGrovePatternAdmitsViews() throws Exception {
        int n = 100_000;
        try (SharedDoubleArray view = Grove.share(ProcStats.data(n, 7));
             ChildJvm child = ChildJvm.start(List.of("-Djdk.serialFilter=dev.grove.*;!*"), SerialChild.class)) {
            child.expect("ready", 60);
            child.send("read " + serialized(view) + " " + n + " 7");
            String got = child.expect("read ", 60);
            assertTrue(got.startsWith("ok"), got);
            String classes = Children.word(got, "classes");
            for (String c : classes.split(",")) {
                assertTrue(c.startsWith("dev.grove.") && !c.startsWith("dev.grove.internal."),
                        "the filter saw a class outside the documented pattern: " + c + " in " + classes);
            }
            child.send("read " + serialized(new Unlisted()) + " 0 0");
            String refused = child.expect("read ", 60);
            assertTrue(refused.startsWith("refused java.io.InvalidClassException"), refused);
            assertFalse(refused.contains("ok"), refused);
            child.send("exit");
            child.waitFor(30);
        }
        Leaks.assertNoRegionsLeft(30);
    }
}

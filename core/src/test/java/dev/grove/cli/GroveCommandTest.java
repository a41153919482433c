package dev.grove.cli;

import dev.grove.Grove;
import dev.grove.SharedList;
import dev.grove.SharedMap;
import dev.grove.test.Leaks;
import dev.grove.test.RegionFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The grove command: output, exit codes, and that it refuses to remove what is in use. */
class GroveCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result grove(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GroveCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void lsInspectVerify() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prices", new double[] {1, 2});
        m.put("names", List.of("a", "b", "c"));
        try (SharedMap<Object> v = Grove.share(m)) {
            grove("ls");
            // Listed twice: reading headers in this process must not drop its own lock on the region.
            Result ls = grove("ls");
            assertEquals(0, ls.code());
            String line = ls.out().lines().filter(l -> l.startsWith(v.path())).findFirst().orElseThrow();
            assertTrue(line.contains("sealed") && line.contains(Long.toString(ProcessHandle.current().pid())), line);

            Result inspect = grove("inspect", v.path());
            assertEquals(0, inspect.code(), inspect.err());
            assertTrue(inspect.out().contains(v.path() + "  map count=2"), inspect.out());
            assertTrue(inspect.out().contains(v.path() + "[0]  double[] count=2 bytes=16"), inspect.out());
            assertTrue(inspect.out().contains(v.path() + "[1]  string[] count=3"), inspect.out());

            assertEquals(0, grove("verify", v.path()).code());
            Result bad = grove("inspect", v.path() + "[5]");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("index past the end"), bad.err());
        }
    }

    @Test
    void rmRefusesWhileHeldUnlessForced() {
        SharedList<String> v = Grove.share(new String[] {"x"});
        String name = v.path().substring(1);
        Result refused = grove("rm", v.path());
        assertEquals(3, refused.code());
        assertTrue(refused.err().contains("in use"), refused.err());
        assertTrue(Files.exists(RegionFiles.fileOf(v)));
        assertEquals(0, grove("rm", "--force", name).code());
        assertFalse(Files.exists(RegionFiles.fileOf(v)));
        assertEquals(List.of("x"), v, "holders keep their mapping after a forced removal");
        v.close();
        assertEquals(1, grove("rm", name).code(), "no such region any more");
    }

    @Test
    void gcReportsWhatItFreed() {
        byte[] bytes;
        try (SharedList<String> v = Grove.share(new String[] {"y"})) {
            bytes = RegionFiles.bytesOf(v);
        }
        // A sealed region nobody holds, whose lease has ended: what a crashed process leaves behind.
        String orphan = RegionFiles.write(bytes);
        assertTrue(dev.grove.internal.StoreDir.defaultStore().file(orphan).toFile()
                .setLastModified(System.currentTimeMillis() - 1000));
        Result gc = grove("gc");
        assertEquals(0, gc.code());
        assertTrue(gc.out().contains("freed /" + orphan), gc.out());
        assertFalse(Files.exists(dev.grove.internal.StoreDir.defaultStore().file(orphan)));
    }

    @Test
    void usageAndHelp() {
        assertEquals(0, grove("--help").code());
        assertTrue(grove("help").out().contains("usage: grove"));
        assertEquals(2, grove().code());
        assertEquals(2, grove("frobnicate").code());
        assertEquals(2, grove("gc", "--grace", "soon").code());
        assertEquals(2, grove("rm", "a/b").code());
        assertEquals(1, grove("inspect", "/x[").code(), "a malformed path is a failure with the library's message");
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

package dev.grove.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules on the region layer's sources that a compiler cannot check: each file does one job, so none grows past
 * {@value #MAX_LINES} lines (a file that does is doing two jobs; split it by job, as Regions was).
 */
class SourceRulesTest {
    static final int MAX_LINES = 500;
    private static final Path INTERNAL = Path.of("src", "main", "java", "dev", "grove", "internal");

    @Test
    void noFileInInternalIsOver500Lines() throws IOException {
        assertEquals(List.of(), tooLong(INTERNAL), "files in " + INTERNAL + " over " + MAX_LINES + " lines");
    }

    /** The rule can fail: a planted file of 501 lines is found. */
    @Test
    void aPlantedLongFileIsFound() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "long-source");
        Path planted = dir.resolve("Planted.java");
        try {
            Files.write(planted, java.util.Collections.nCopies(MAX_LINES + 1, "//"));
            assertEquals(List.of("Planted.java: 501 lines"), tooLong(dir));
        } finally {
            Files.delete(planted);
            Files.delete(dir);
        }
    }

    private static List<String> tooLong(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " (run from the module directory)");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                long n;
                try (Stream<String> lines = Files.lines(f)) {
                    n = lines.count();
                }
                if (n > MAX_LINES) {
                    out.add(f.getFileName() + ": " + n + " lines");
                }
            }
        }
        return out;
    }
}

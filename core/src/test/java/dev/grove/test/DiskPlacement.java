package dev.grove.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Runs a test body with regions of at least {@code threshold} placed in a disk store, then cleans up. */
public final class DiskPlacement {
    private DiskPlacement() {
    }

    /** A body that may throw. */
    public interface Body {
        void run(Path disk) throws Exception;
    }

    /**
     * Sets {@code grove.disk.threshold} and {@code grove.disk.dir} (a directory under {@code target} named after
     * {@code name} and this process), runs {@code body}, then clears both and deletes the directory.
     */
    public static void with(String threshold, String name, Body body) throws Exception {
        Path disk = Path.of("target", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
        System.setProperty("grove.disk.threshold", threshold);
        System.setProperty("grove.disk.dir", disk.toString());
        try {
            body.run(disk);
        } finally {
            System.clearProperty("grove.disk.threshold");
            System.clearProperty("grove.disk.dir");
            if (Files.exists(disk)) {
                try (Stream<Path> all = Files.walk(disk)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}

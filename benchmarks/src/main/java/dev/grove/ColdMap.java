package dev.grove;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What mapping a brand-new region costs the caller, and what releasing it costs: a child JVM shares N
 * regions of 8 KiB in a store of its own (references leased, so they outlive the child) and exits; this
 * JVM then maps each once (open, owner and mode checks, shared lock, the name still leading to the file,
 * {@code mmap}, header check) and closes the view, timing each call. Medians and 90th percentiles of the
 * second half (the first warms the code). The store is deleted at the end.
 *
 * <p>Run with {@code bin/bench --class dev.grove.ColdMap [N]} (default 20,000: with 4,000, the timed half
 * still ran partly interpreted and measured 30 us where longer runs measure 14-21 us).
 */
public final class ColdMap {
    private ColdMap() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--create")) {
            create(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.setProperty("grove.reaper", "false"); // the store is deleted below: no reaper needed at exit
        Path dir = Path.of("/dev/shm", "grove-coldmap-" + ProcessHandle.current().pid());
        try {
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    // No reaper from the child: this JVM deletes the store when it is done.
                    "--enable-native-access=ALL-UNNAMED", "-Dgrove.reaper=false", "-cp", System.getProperty("java.class.path"),
                    ColdMap.class.getName(), "--create", dir.toString(), Integer.toString(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<SharedRef> refs = new ArrayList<>();
            for (String line : new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    refs.add(SharedRef.parse(line));
                }
            }
            if (child.waitFor() != 0 || refs.size() != n) {
                throw new IllegalStateException("the child made " + refs.size() + " of " + n + " regions");
            }
            RegionStore store = RegionStore.open(dir);
            long[] map = new long[n];
            long[] release = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                SharedDoubleArray v = store.map(refs.get(i));
                long t1 = System.nanoTime();
                v.close();
                release[i] = System.nanoTime() - t1;
                map[i] = t1 - t0;
            }
            System.out.printf(Locale.ROOT, "%d brand-new regions of 8 KiB: map median %.1f us (p90 %.1f), release"
                    + " median %.1f us (p90 %.1f)%n", n / 2, percentile(map, 0.5), percentile(map, 0.9),
                    percentile(release, 0.5), percentile(release, 0.9));
        } finally {
            deleteTree(dir);
        }
    }

    /** Microseconds at quantile {@code q} of the second half of {@code nanos}. */
    private static double percentile(long[] nanos, double q) {
        long[] half = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
        Arrays.sort(half);
        return half[(int) Math.min(half.length - 1, Math.round(q * (half.length - 1)))] / 1e3;
    }

    /** The child: N regions shared, each reference printed; the lease keeps them after it exits. */
    private static void create(Path dir, int n) {
        RegionStore store = RegionStore.builder(dir).lease(Duration.ofMinutes(10)).recycleBytes(0).open();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            try (SharedDoubleArray v = store.share(new double[1024])) {
                out.append(v.ref()).append('\n');
            }
        }
        System.out.print(out);
        System.out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

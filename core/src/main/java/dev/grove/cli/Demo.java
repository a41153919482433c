package dev.grove.cli;

import dev.grove.Grove;
import dev.grove.RegionStore;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedRef;
import dev.grove.SharedTable;
import dev.grove.Table;
import dev.grove.internal.Clock;
import dev.grove.internal.Config;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Grove's main job in one run: share a 400 MB table once, then let a second JVM map it by reference and
 * read one column, with sizes and times printed along the way.
 */
public final class Demo {
    private static final int ROWS = 10_000_000;
    private static final int COLS = 5;

    private Demo() {
    }

    /** Runs the demo; with {@code --child REF} it is the second JVM's part. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(SharedRef.parse(args[1]));
            return;
        }
        System.out.printf("Building a table of %d columns x %,d rows of doubles on the heap...%n", COLS, ROWS);
        Table.Builder b = Table.builder();
        SplittableRandom random = new SplittableRandom(42);
        for (int c = 0; c < COLS; c++) {
            b.column("x" + c, random.doubles(ROWS).toArray());
        }
        Table table = b.build();
        long bytes = (long) ROWS * COLS * Double.BYTES;

        long t0 = Clock.nanos();
        try (SharedTable shared = Grove.share(table)) {
            long shareNanos = Clock.nanos() - t0;
            Path file = RegionStore.defaultStore().file(shared.path());
            System.out.printf("share():   %,d MB copied into region %s in %d ms (%.2f GB/s)%n",
                    bytes >> 20, shared.path(), ms(shareNanos), bytes / (double) shareNanos);

            // A short lease: the child maps the column within a second, and the demo then cleans up at once
            // instead of leaving 400 MB in /dev/shm for the default minute.
            System.setProperty("grove.lease.seconds", "2");
            SharedRef ref;
            try (SharedDoubleArray column = shared.column("x2", SharedDoubleArray.class)) {
                ref = column.ref();
            }
            byte[] wire = ref.toString().getBytes(StandardCharsets.UTF_8);
            System.out.printf("reference: %s  (%d bytes instead of %,d for the column)%n", ref, wire.length, ROWS * 8L);

            double expected;
            try (SharedDoubleArray col = shared.column("x2", SharedDoubleArray.class)) {
                expected = sum(col);
            }
            System.out.println("Starting a second JVM that maps the column by reference...");
            long t1 = Clock.nanos();
            Process p = new ProcessBuilder(Config.javaCommand(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", Config.classPath(), Demo.class.getName(), "--child", ref.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String answer;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = r.lines().toList();
                lines.stream().filter(l -> !l.startsWith("sum ")).forEach(System.out::println);
                answer = lines.stream().filter(l -> l.startsWith("sum ")).findFirst().orElse("sum ?");
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("child JVM did not finish in 60 s");
            }
            System.out.printf("child JVM: started, mapped and summed in %d ms wall time (JVM start included)%n",
                    ms(Clock.nanos() - t1));
            double childSum = Double.parseDouble(answer.substring(4));
            System.out.printf("sums:      parent %.6f, child %.6f -> %s%n", expected, childSum,
                    Double.compare(expected, childSum) == 0 ? "identical" : "DIFFERENT");
            shared.close();
            boolean leased = Files.exists(file);
            Thread.sleep(2_100);
            Regions.sweep(StoreDir.defaultStore(), Regions.DEFAULT_GRACE_MILLIS);
            System.out.printf("closed:    region file %s%n", leased
                    ? (Files.exists(file) ? "still present" : "kept for the reference's 2 s lease, then swept")
                    : "deleted");
            if (Double.compare(expected, childSum) != 0) {
                System.exit(1);
            }
        }
    }

    private static void child(SharedRef ref) {
        long t0 = Clock.nanos();
        double s;
        long length;
        long mapped;
        long summed;
        try (SharedDoubleArray col = Grove.map(ref)) {
            mapped = Clock.nanos();
            s = sum(col);
            summed = Clock.nanos();
            length = col.length();
        }
        // Closing unmapped the region here; mapping it again shows the cost without class loading.
        long t1 = Clock.nanos();
        try (SharedDoubleArray again = Grove.map(ref)) {
            long remapped = Clock.nanos();
            System.out.printf("  [child %d] map(ref): %.1f ms the first time (class loading included), %.3f ms again;"
                            + " %,d doubles summed in %d ms%n", ProcessHandle.current().pid(), (mapped - t0) / 1e6,
                    (remapped - t1) / 1e6, length, ms(summed - mapped));
        }
        System.out.println("sum " + s);
    }

    private static double sum(SharedDoubleArray a) {
        double s = 0;
        for (long i = 0, n = a.length(); i < n; i++) {
            s += a.getDouble(i);
        }
        return s;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

}

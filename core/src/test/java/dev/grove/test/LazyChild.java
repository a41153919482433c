package dev.grove.test;

import dev.grove.LazyStore;
import dev.grove.SharedDoubleArray;
import dev.grove.internal.Regions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM that uses a {@link LazyStore}, driven line by line over stdin. Commands:
 * <ul>
 * <li>{@code probe DIR WARMDIR NAME I}: open WARMDIR first (loading the classes), then measure opening DIR and
 *     reading element I of object NAME: answer the value, the bytes read by system calls meanwhile
 *     ({@code rchar} of {@code /proc/self/io}) and how many regions this process maps;
 * <li>{@code churn DIR PROGRESS}: commit version after version of {@link #expected} until killed, marking each
 *     {@code commit()} in the {@link Progress} file PROGRESS; answer {@code started};
 * <li>{@code exit}.
 * </ul>
 */
public final class LazyChild {
    private LazyChild() {
    }

    /**
     * What version {@code v} of the churned store holds: applying op k for k = 1..v, where op k puts
     * {@code o<k>} = [k], replaces {@code o<k-1>} with [k, k] (k % 3 == 1), or removes {@code o<k-2>} (k % 3 == 2).
     */
    public static java.util.Map<String, double[]> expected(long v) {
        java.util.Map<String, double[]> m = new java.util.TreeMap<>();
        for (long k = 1; k <= v; k++) {
            apply(k, m::put, m::remove);
        }
        return m;
    }

    private static void apply(long k, java.util.function.BiConsumer<String, double[]> put,
                              java.util.function.Consumer<String> remove) {
        switch ((int) (k % 3)) {
            case 0 -> put.accept("o" + k, new double[] {k});
            case 1 -> put.accept("o" + (k - 1), new double[] {k, k});
            default -> remove.accept("o" + (k - 2));
        }
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "probe" -> {
                    try (LazyStore warm = LazyStore.open(Path.of(w[2]))) {
                        SharedDoubleArray a = warm.get(w[3]);
                        a.getDouble(0);
                    }
                    long before = ProcIo.counter("rchar");
                    try (LazyStore s = LazyStore.open(Path.of(w[1]))) {
                        SharedDoubleArray a = s.get(w[3]);
                        double v = a.getDouble(Long.parseLong(w[4]));
                        long read = ProcIo.counter("rchar") - before;
                        System.out.println("probe " + v + " " + read + " " + Regions.mappedHere().size());
                    }
                }
                case "churn" -> {
                    LazyStore s = LazyStore.open(Path.of(w[1]));
                    Progress progress = Progress.open(Path.of(w[2]));
                    System.out.println("started");
                    for (;;) {
                        long k = s.version() + 1;
                        apply(k, s::put, s::remove);
                        progress.enter();
                        s.commit();
                        progress.leave();
                    }
                }
                case "exit" -> {
                    System.out.println("exit ok");
                    return;
                }
                default -> System.out.println("error unknown command " + w[0]);
            }
        }
    }
}

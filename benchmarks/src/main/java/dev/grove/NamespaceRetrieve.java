package dev.grove;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long a fresh JVM takes to get a view of a registered 1 GB array (issue: namespaces): this process
 * registers a {@code double[134_217_728]} in a namespace, then starts a new JVM that measures, after its
 * start-up, (1) the first access to the namespace directory (opening Chronicle Map), (2) the first
 * {@code view} of the variable (directory lookup, open, lock, mmap, header check), and the medians of 1,000
 * later {@code view}s, with the region unmapped before each (3) and kept mapped (4).
 *
 * <p>Run with {@code bin/bench --class dev.grove.NamespaceRetrieve}.
 */
public final class NamespaceRetrieve {
    private static final String NS = "bench-retrieve";

    private NamespaceRetrieve() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        Namespace ns = Namespace.open(NS);
        double[] big = new double[1 << 27]; // 1 GiB
        Arrays.fill(big, 1.5);
        ns.register("big", big);
        big = null;
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElseThrow());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(Namespace.jvmOptions());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NamespaceRetrieve.class.getName(), "--child"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().filter(l -> !l.startsWith("SLF4J")).forEach(System.out::println);
            }
            p.waitFor();
        } finally {
            ns.releaseVariables("big");
        }
    }

    private static void child() {
        long t0 = System.nanoTime();
        Namespace ns = Namespace.open(NS);
        List<String> names = ns.names();
        long t1 = System.nanoTime();
        SharedDoubleArray v = ns.view("big");
        double first = v.getDouble(v.length() - 1);
        long t2 = System.nanoTime();
        ns.releaseViews();
        double notMapped = medianMillis(ns, true); // unmapped after each: every round maps the 1 GiB region anew
        SharedDoubleArray held = ns.view("big");
        double mapped = medianMillis(ns, false);
        System.out.printf("variables: %s, length %d, last element %.1f%n", names, held.length(), first);
        System.out.printf("first directory access in a fresh JVM (opens Chronicle Map): %.1f ms%n", (t1 - t0) / 1e6);
        System.out.printf("first view of the 1 GiB variable after that:                 %.3f ms%n", (t2 - t1) / 1e6);
        System.out.printf("view of it, not mapped here (median of 1000, maps anew):     %.3f ms%n", notMapped);
        System.out.printf("view of it, already mapped here (median of 1000):            %.3f ms%n", mapped);
        ns.releaseViews();
    }

    /** The median time of 1,000 views of {@code big}, each released at once if {@code release}. */
    private static double medianMillis(Namespace ns, boolean release) {
        long[] t = new long[1000];
        for (int i = 0; i < t.length; i++) {
            long a = System.nanoTime();
            SharedDoubleArray w = ns.view("big");
            w.getDouble(7);
            t[i] = System.nanoTime() - a;
            if (release) {
                ns.releaseViews();
            }
        }
        Arrays.sort(t);
        return t[t.length / 2] / 1e6;
    }
}

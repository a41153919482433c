package dev.grove;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the first use of Grove costs in a fresh JVM (issue: integrations, cold start). This process shares a
 * {@code double[]} (200 MB by default) and starts {@code runs} new JVMs, one after another; each measures,
 * after its own start-up, the first {@code Grove.map} of the reference (class loading, native linking,
 * open, lock, mmap, header check), a second {@code map} of another reference, and the first pass over the
 * mapped array (page faults), and prints them. This process prints the medians.
 *
 * <p>Run with {@code bin/bench --class dev.grove.ColdStart [runs] [megabytes]}.
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], args[2]);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        double[] data = new double[megabytes * (1 << 20) / 8];
        Arrays.fill(data, 0.5);
        try (SharedDoubleArray big = Grove.share(data); SharedDoubleArray small = Grove.share(new double[16])) {
            data = null;
            List<double[]> rows = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                rows.add(runChild(big.ref().toString(), small.ref().toString()));
            }
            String[] names = {"JVM start to main", "first Grove.map", "second map (other region)", "first pass over the array"};
            System.out.printf("%d fresh JVMs, %d MB array; median (min-max) in ms%n", runs, megabytes);
            for (int c = 0; c < names.length; c++) {
                double[] col = new double[rows.size()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = rows.get(i)[c];
                }
                Arrays.sort(col);
                System.out.printf("%-28s %8.1f (%.1f-%.1f)%n", names[c], col[col.length / 2], col[0], col[col.length - 1]);
            }
        }
    }

    private static double[] runChild(String bigRef, String smallRef) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ColdStart.class.getName(), "--child", bigRef, smallRef));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("cold ")) {
                    last = line;
                } else {
                    System.err.println(line);
                }
            }
        }
        if (p.waitFor() != 0 || last == null) {
            throw new IllegalStateException("child failed: exit=" + p.exitValue());
        }
        String[] f = last.substring(5).split(" ");
        double[] row = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            row[i] = Double.parseDouble(f[i]);
        }
        return row;
    }

    private static void child(String bigRef, String smallRef) {
        long t0 = System.nanoTime();
        double started = (System.currentTimeMillis() - ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli());
        SharedDoubleArray v = Grove.map(SharedRef.parse(bigRef), SharedDoubleArray.class);
        long t1 = System.nanoTime();
        SharedDoubleArray w = Grove.map(SharedRef.parse(smallRef), SharedDoubleArray.class);
        long t2 = System.nanoTime();
        double sum = Sums.sum(v);
        long t3 = System.nanoTime();
        if (sum != v.length() * 0.5 || w.length() != 16) {
            throw new IllegalStateException("wrong contents: sum=" + sum);
        }
        System.out.printf("cold %.1f %.2f %.2f %.1f%n", started, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
        v.close();
        w.close();
    }
}

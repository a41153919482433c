package dev.grove.test;

import dev.grove.NameExistsException;
import dev.grove.Namespace;
import dev.grove.RegionStore;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A child JVM that uses a namespace, driven line by line over stdin (see {@link ChildJvm}). Commands:
 * <ul>
 * <li>{@code open DIR NS}: the namespace NS of the store at DIR, its directory opened;
 * <li>{@code corr}: retrieve {@code X} (a matrix) and {@code y}, answer the correlation of every column of X
 *     with y, as the bits of each double in hex;
 * <li>{@code race NAME}: try to register NAME, answer {@code won} or {@code lost};
 * <li>{@code cycles N PREFIX}: N times register, retrieve, release the views, unregister a name of its own;
 * <li>{@code churn PREFIX PROGRESS}: answer {@code started}, then register, replace and unregister names until
 *     killed, marking each operation in the {@link Progress} file PROGRESS;
 * <li>{@code map REF}: map a reference and share an array, close both (sharing and mapping only);
 * <li>{@code exit}.
 * </ul>
 * Every command answers one line: its name and result, or {@code error <class> <message>}.
 */
public final class NamespaceChild {
    private NamespaceChild() {
    }

    /** The Pearson correlation of every column of {@code x} with {@code y}, reading the shared matrix in place. */
    public static double[] correlations(SharedMatrix x, SharedDoubleArray y) {
        int rows = Math.toIntExact(x.rows());
        int cols = Math.toIntExact(x.cols());
        double my = 0;
        for (int r = 0; r < rows; r++) {
            my += y.getDouble(r);
        }
        my /= rows;
        double[] sx = new double[cols];
        double[] sxx = new double[cols];
        double[] sxy = new double[cols];
        double syy = 0;
        for (int r = 0; r < rows; r++) {
            double dy = y.getDouble(r) - my;
            syy += dy * dy;
            for (int c = 0; c < cols; c++) {
                double v = x.get(r, c);
                sx[c] += v;
                sxx[c] += v * v;
                sxy[c] += v * dy;
            }
        }
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            double mean = sx[c] / rows;
            double varX = sxx[c] - rows * mean * mean;
            out[c] = sxy[c] / Math.sqrt(varX * syy);
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + ProcessHandle.current().pid());
        Namespace ns = null;
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "open" -> {
                        ns = RegionStore.open(Path.of(w[1])).namespace(w[2]);
                        ns.names(); // opens the directory: Chronicle Map is loaded once this answers
                        System.out.println("open ok");
                    }
                    case "corr" -> {
                        Map<String, ?> v = ns.retrieve("X", "y");
                        double[] c = correlations((SharedMatrix) v.get("X"), (SharedDoubleArray) v.get("y"));
                        StringJoiner j = new StringJoiner(",");
                        for (double d : c) {
                            j.add(Long.toHexString(Double.doubleToLongBits(d)));
                        }
                        ns.releaseViews();
                        System.out.println("corr " + j);
                    }
                    case "race" -> {
                        try {
                            ns.register(w[1], new double[] {ProcessHandle.current().pid()});
                            System.out.println("race won");
                        } catch (NameExistsException e) {
                            System.out.println("race lost");
                        }
                    }
                    case "cycles" -> {
                        int n = Integer.parseInt(w[1]);
                        for (int i = 0; i < n; i++) {
                            String name = w[2] + i;
                            ns.register(name, new double[] {i, i + 1});
                            SharedDoubleArray a = ns.view(name);
                            if (a.getDouble(1) != i + 1) {
                                throw new AssertionError("wrong value in " + name);
                            }
                            ns.releaseViews(name);
                            ns.releaseVariables(name);
                        }
                        System.out.println("cycles ok");
                    }
                    case "churn" -> {
                        Progress progress = Progress.open(Path.of(w[2]));
                        System.out.println("churn started");
                        for (long i = 0; ; i++) {
                            String name = w[1] + (i % 3);
                            progress.enter();
                            if (ns.names().contains(name)) {
                                if (i % 2 == 0) {
                                    ns.replace(Map.of(name, new double[] {i}));
                                } else {
                                    ns.releaseVariables(name);
                                }
                            } else {
                                ns.register(name, new double[(int) (i % 5) * 100 + 1]);
                                ns.view(name).close();
                            }
                            progress.leave();
                        }
                    }
                    case "map" -> {
                        try (SharedObject v = RegionStore.defaultStore().map(SharedRef.parse(w[1]));
                             SharedObject mine = dev.grove.Grove.share(new double[] {1, 2, 3})) {
                            System.out.println(v.isOpen() && mine.isOpen() ? "map ok" : "map closed");
                        }
                    }
                    case "exit" -> {
                        System.out.println("exit ok");
                        return;
                    }
                    default -> System.out.println("error unknown command " + w[0]);
                }
            } catch (Throwable e) {
                System.out.println("error " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            System.out.flush();
        }
    }
}

package dev.grove.parallel;

import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * memshare's two README examples in Java, each on this JVM's threads and on a pool of worker JVMs, with a
 * progress bar, checked against a plain loop: (1) the correlation of every column of a 10,000 x 2,000 matrix
 * with a vector; (2) a list of 1,000 100 x 100 matrices, each multiplied by a vector. Run with
 * {@code bin/memshare [WORKERS]}.
 */
public final class MemshareExamples {
    private MemshareExamples() {
    }

    /**
     * Runs both examples on this JVM's threads and on {@code args[0]} worker JVMs (2 by default), printing
     * the time each took and whether its result equals the plain loop's.
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Random rnd = new Random(1);
        double[] y = new double[10_000];
        double[][] x = exampleOne(rnd, y);
        List<double[][]> list = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            double[][] m = new double[100][100];
            for (double[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextDouble();
                }
            }
            list.add(m);
        }
        double[] v = rnd.doubles(100).toArray();

        long t = System.nanoTime();
        double[] plain = new double[2_000];
        for (int c = 0; c < plain.length; c++) {
            double[] col = new double[x.length];
            for (int r = 0; r < x.length; r++) {
                col[r] = x[r][c];
            }
            plain[c] = correlation(col, y);
        }
        System.out.printf("(1) plain loop: %.2f s%n", (System.nanoTime() - t) / 1e9);

        try (SharedMatrix sx = Grove.share(x); SharedDoubleArray sy = Grove.share(y);
             Workers threads = Workers.threads(Runtime.getRuntime().availableProcessors());
             WorkerPool pool = WorkerPool.start(n)) {
            for (Workers w : List.of(threads, pool)) {
                System.out.println("(1) memApply(X, COLUMNS, cor with y) on " + w);
                t = System.nanoTime();
                List<Double> r = Parallel.on(w).progress(ProgressListener.bar(System.out)).memApply(sx, Margin.COLUMNS,
                        (col, vars) -> correlation(col.toDoubleArray(), vars.<SharedDoubleArray>get("y").toDoubleArray()),
                        Map.of("y", sy));
                System.out.printf("    %.2f s, equal to the plain loop: %s%n", (System.nanoTime() - t) / 1e9, equal(r, plain));
            }
            for (Workers w : List.of(threads, pool)) {
                System.out.println("(2) memLapply(list of 1,000 100x100 matrices, m %*% v) on " + w);
                t = System.nanoTime();
                List<double[]> r = Parallel.on(w).progress(ProgressListener.bar(System.out)).memLapply(list,
                        (m, vars) -> times((SharedMatrix) m, vars.get("v")), Map.of("v", v));
                boolean same = true;
                for (int i = 0; i < list.size(); i++) {
                    for (int row = 0; row < 100; row++) {
                        double s = 0;
                        for (int c = 0; c < 100; c++) {
                            s += list.get(i)[row][c] * v[c];
                        }
                        same &= Math.abs(s - r.get(i)[row]) < 1e-9;
                    }
                }
                System.out.printf("    %.2f s, equal to the plain loop: %s%n", (System.nanoTime() - t) / 1e9, same);
            }
        }
    }

    /**
     * The data of memshare's example (1): fills {@code y} with normal draws and returns a
     * {@code y.length x 2,000} matrix of normal draws, some columns correlated with {@code y}.
     */
    public static double[][] exampleOne(Random rnd, double[] y) {
        double[][] x = new double[y.length][2_000];
        for (int r = 0; r < x.length; r++) {
            y[r] = rnd.nextGaussian();
            for (int c = 0; c < x[r].length; c++) {
                x[r][c] = rnd.nextGaussian() + (c % 5) * 0.1 * y[r];
            }
        }
        return x;
    }

    private static boolean equal(List<Double> got, double[] want) {
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(got.get(i) - want[i]) > 1e-12) {
                return false;
            }
        }
        return true;
    }

    /** Pearson correlation of two equal-length vectors (the function memshare's example (1) applies). */
    public static double correlation(double[] a, double[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** The matrix times the vector (the function memshare's example (2) applies). */
    public static double[] times(SharedMatrix m, SharedDoubleArray v) {
        int rows = Math.toIntExact(m.rows());
        int cols = Math.toIntExact(m.cols());
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += m.get(r, c) * v.getDouble(c);
            }
            out[r] = s;
        }
        return out;
    }
}

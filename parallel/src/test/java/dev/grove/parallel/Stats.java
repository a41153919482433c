package dev.grove.parallel;

import dev.grove.SharedDoubleArray;
import dev.grove.SharedMatrix;

/** Plain computations the tests apply in parallel and in loops. */
final class Stats {
    private Stats() {
    }

    static double correlation(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static double[] times(SharedMatrix m, SharedDoubleArray v) {
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

    static long failIf137(long i) {
        if (i == 137) {
            throw new ArithmeticException("planted failure at 137");
        }
        return i;
    }

    static long slowly(long i, int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return i;
    }
}

package dev.grove;

/**
 * The plain sequential sums the benchmarks read their data with, each loop in a method of its own: a loop
 * compiled inside a longer method (on stack replacement) ran a view at half the speed it has here.
 */
final class Sums {
    private Sums() {
    }

    static double sum(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    static double sum(SharedDoubleArray v) {
        double s = 0;
        for (long i = 0, n = v.length(); i < n; i++) {
            s += v.getDouble(i);
        }
        return s;
    }
}

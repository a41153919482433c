package dev.grove.integrations;

import dev.grove.test.ProcIo;

/**
 * What the kernel says of this process: bytes it passed to {@code write}-family calls (sockets included;
 * {@code wchar} in {@code /proc/self/io}, through {@link ProcIo}) and the heap it allocates. Bytes carried
 * and memory used are measured here, not taken from the frameworks' own accounts.
 */
final class ProcStats {
    private ProcStats() {
    }

    /** {@code wchar}: every byte this process has written with write(2), writev(2) and the like. */
    static long writtenBytes() {
        return ProcIo.counter("wchar");
    }

    /** {@code rchar}: every byte this process has read with read(2), readv(2) and the like. */
    static long readBytes() {
        return ProcIo.counter("rchar");
    }

    /** Heap bytes the calling thread has allocated so far (the JVM's exact count, garbage included). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }


    /** The array every test moves: element {@code i} is {@code seed + sqrt(i + 2)}. */
    static double[] data(int n, int seed) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = seed + Math.sqrt(i + 2); // no compact encoding: hessian2 shortens integers and multiples of 0.001
        }
        return a;
    }

    /** Null if {@code values} (a view or an array) holds {@link #data}, else where it differs. */
    static String mismatch(Object values, int n, int seed) {
        java.util.function.LongToDoubleFunction get;
        long length;
        if (values instanceof dev.grove.SharedDoubleArray v) {
            get = v::getDouble;
            length = v.length();
        } else if (values instanceof double[] a) {
            get = i -> a[(int) i];
            length = a.length;
        } else {
            return "type=" + (values == null ? "null" : values.getClass().getName());
        }
        if (length != n) {
            return "length=" + length + " expected=" + n;
        }
        for (long i = 0; i < n; i++) {
            if (get.applyAsDouble(i) != seed + Math.sqrt(i + 2)) {
                return "index=" + i + " value=" + get.applyAsDouble(i);
            }
        }
        return null;
    }
}

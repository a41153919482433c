package dev.grove;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** A sequential sum over a SharedDoubleArray against the same loop over a double[]. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScanBenchmark {
    @Param({"10000000"})
    int length;

    double[] array;
    SharedDoubleArray shared;

    @Setup
    public void setUp() {
        array = new SplittableRandom(1).doubles(length).toArray();
        shared = Grove.share(array);
    }

    @TearDown
    public void tearDown() {
        shared.close();
    }

    @Benchmark
    public double sumArray() {
        double[] a = array;
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    @Benchmark
    public double sumShared() {
        SharedDoubleArray a = shared;
        double s = 0;
        for (long i = 0, n = a.length(); i < n; i++) {
            s += a.getDouble(i);
        }
        return s;
    }
}

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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code share()} of a double[] against plain heap copies of the same bytes, side by side. share() here
 * is the whole life of a region: create, reserve, map, copy, checksum, seal, then close (unmap, delete).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g", "-Xms4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ShareBenchmark {
    @Param({"268435456"})
    long bytes;

    double[] source;
    double[] target;

    @Setup
    public void setUp() {
        source = new SplittableRandom(1).doubles((int) (bytes / 8)).toArray();
        target = new double[source.length];
    }

    /** One bulk copy into a heap array that already exists. */
    @Benchmark
    public double[] heapArraycopy() {
        System.arraycopy(source, 0, target, 0, source.length);
        return target;
    }

    /** A new heap array and the copy into it: the heap analogue of a new region. */
    @Benchmark
    public double[] heapClone() {
        return source.clone();
    }

    /**
     * What share() costs before copying a byte: create the file, reserve its pages, map them, then unmap
     * and delete. The difference to share() is the copy and the checksum.
     */
    @Benchmark
    public long reserveOnly() {
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, source.length)) {
            return w.length();
        }
    }

    @Benchmark
    public long share() {
        try (SharedDoubleArray shared = Grove.share(source)) {
            return shared.length();
        }
    }
}

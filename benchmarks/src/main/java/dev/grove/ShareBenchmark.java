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

/**
 * {@code share()} of a double[] against plain heap copies of the same bytes, side by side. share() here
 * is the whole life of a region: create (or take a recycled one), map, copy, checksum, seal, then close.
 * With {@code recycling=on} (the default configuration) a closed region is kept for the next share; with
 * {@code off} every share makes a fresh file, whose pages the kernel must allocate and zero first.
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

    /** Whether closed regions are recycled: Grove's default, or turned off to show fresh-page costs. */
    @State(Scope.Benchmark)
    public static class Recycling {
        @Param({"on", "off"})
        String recycling;

        @Setup
        public void setUp() {
            if (recycling.equals("off")) {
                System.setProperty("grove.recycle.bytes", "0");
            } else {
                System.clearProperty("grove.recycle.bytes");
            }
            RegionStore.defaultStore().sweep();
        }

        @TearDown
        public void tearDown() {
            RegionStore.defaultStore().sweep();
        }
    }

    /**
     * What share() costs before copying a byte: create the file, reserve its pages, map them, then unmap
     * and delete (with recycling: take the spare and zero it). The difference to share() is the copy and
     * the checksum.
     */
    @Benchmark
    public long reserveOnly(Recycling recycling) {
        try (ArrayWriter<SharedDoubleArray> w = Grove.allocate(SharedDoubleArray.class, source.length)) {
            return w.length();
        }
    }

    @Benchmark
    public long share(Recycling recycling) {
        try (SharedDoubleArray shared = Grove.share(source)) {
            return shared.length();
        }
    }
}

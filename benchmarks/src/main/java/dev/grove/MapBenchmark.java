package dev.grove;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What mapping a reference costs: a region this process already maps (a table lookup and a new view)
 * against a region it does not (open, lock, mmap, header check, and on close unmap and unlock); and what
 * taking a reference costs (the lease: the store's lease lock, the time read and set on the held descriptor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dgrove.lease.seconds=3600"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapBenchmark {
    SharedDoubleArray held;
    SharedRef heldRef;
    SharedRef unmappedRef;

    @Setup
    public void setUp() {
        held = Grove.share(new double[1 << 20]);
        heldRef = held.ref();
        // The lease keeps this region's file after its only view here is closed: it exists, unmapped.
        try (SharedDoubleArray other = Grove.share(new double[1 << 20])) {
            unmappedRef = other.ref();
        }
    }

    @TearDown
    public void tearDown() throws java.io.IOException {
        held.close();
        // Their leases would keep both files for an hour: remove them, nobody maps them now.
        for (SharedRef ref : new SharedRef[] {heldRef, unmappedRef}) {
            java.nio.file.Files.deleteIfExists(RegionStore.defaultStore().file(ref.path()));
        }
    }

    @Benchmark
    public long mapAlreadyMapped() {
        try (SharedDoubleArray v = Grove.map(heldRef)) {
            return v.length();
        }
    }

    @Benchmark
    public SharedRef ref() {
        return held.ref();
    }

    @Benchmark
    public long mapNewMapping() {
        try (SharedDoubleArray v = Grove.map(unmappedRef)) {
            return v.length();
        }
    }
}

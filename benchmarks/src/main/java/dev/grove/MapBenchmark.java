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
 * What mapping a reference costs: a region this process already maps (a table lookup and a new view);
 * a region it mapped before and let go of (its kept mapping locked and checked again, and on close unlocked);
 * a region it never mapped (open, lock, mmap, header check, and on close unmap and unlock: measured with
 * kept mappings off); what taking a reference costs (a fan-out one: the lease, already recorded far enough
 * ahead; a consumed-once one, issued, mapped and released).
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

    /** Mapped before, let go of: the kept mapping serves again. */
    @Benchmark
    public long mapAgain() {
        try (SharedDoubleArray v = Grove.map(unmappedRef)) {
            return v.length();
        }
    }

    /**
     * Never mapped here, as far as this process knows: kept mappings are off in this fork, so each call maps
     * the region anew and its release unmaps it. ({@code ColdMap} times brand-new regions call by call.)
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dgrove.lease.seconds=3600",
            "-Dgrove.warm.seconds=0"})
    public long mapCold() {
        try (SharedDoubleArray v = Grove.map(unmappedRef)) {
            return v.length();
        }
    }

    /** A consumed-once reference: issued, mapped by its receiver (here) and released when that view closes. */
    @Benchmark
    public long refOnceMappedAndReleased() {
        try (SharedDoubleArray v = Grove.map(held.ref(Delivery.ONCE))) {
            return v.length();
        }
    }
}

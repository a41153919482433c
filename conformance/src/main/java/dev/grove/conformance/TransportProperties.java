package dev.grove.conformance;

import dev.grove.check.Gen;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The whole kit as JUnit 5 tests, each property run by the {@code grove-check} engine (seeded, shrinking).
 * Extend it once per transport, name the subclass so your build runs it (this repository includes
 * {@code *Properties}), and implement {@link #openTransport()}:
 *
 * <pre>{@code
 * class MyRpcProperties extends TransportProperties {
 *     protected Transport openTransport() { return new MyRpcTransport(); }
 * }
 * }</pre>
 *
 * Tries per property: {@link #tries()}, by default {@code -Dgrove.conformance.tries} or 100; every property
 * makes at least {@link #MIN_CALLS} calls. A failure report prints the seed; {@code -Dgrove.check.seed=} that
 * value replays the run, and a failure the same input does not repeat is reported as intermittent. One
 * transport instance serves all properties of the class and is closed at the end, after which the class
 * prints a summary line ({@code grove-conformance [name]: 8 properties passed, 0 skipped, 50 tries, 429 calls,
 * 13.1 s}).
 */
public abstract class TransportProperties {
    /**
     * The fewest calls any property makes ({@code grove.conformance.minCalls}, 50 by default): a property that
     * made fewer adds plain, checked calls. With 8 properties a class then makes at least 400 calls, so a
     * transport that fails 1 call in 50 at random passes a class with probability 0.98^400, about 3 in 10,000.
     */
    public static final int MIN_CALLS = Integer.getInteger("grove.conformance.minCalls", 50);
    private static final Map<Class<?>, Counting> OPEN = new ConcurrentHashMap<>();

    /** For subclasses, which JUnit instantiates to run the properties. */
    public TransportProperties() {
    }

    /** The transport under test; called once per test class. */
    protected abstract Transport openTransport() throws Exception;

    /**
     * The lease the processes use, in milliseconds. The lifetime checks wait for a lease to end by reading the region
     * file's time (its lease end), and give up a minute past this.
     */
    protected long leaseMillis() {
        return dev.grove.RegionStore.defaultStore().lease().toMillis(); // as Grove reads grove.lease.seconds
    }

    /** Generated inputs per property. */
    protected int tries() {
        return Integer.getInteger("grove.conformance.tries", 100);
    }

    /** The inputs of the properties; {@link GroveGenerators#anyShareable()} unless overridden. */
    protected Gen<Object> shareable() {
        return GroveGenerators.anyShareable();
    }

    /** The transport of this test class, opened on first use. */
    protected final Transport transport() throws Exception {
        return counting();
    }

    private Counting counting() throws Exception {
        Counting t = OPEN.get(getClass());
        if (t == null) {
            t = new Counting(openTransport());
            OPEN.put(getClass(), t);
        }
        return t;
    }

    /** A property's body; returns how many inputs it tried. */
    private interface Body {
        int run(Transport t) throws Exception;
    }

    /** Runs one property, then tops its calls up to {@link #MIN_CALLS} with plain ones, and counts it. */
    private void property(Body body) throws Exception {
        Counting t = counting();
        long before = t.calls.get();
        int tries = body.run(t);
        long made = t.calls.get() - before;
        if (made < MIN_CALLS) {
            GroveContract.plainCalls(t, (int) (MIN_CALLS - made));
        }
        t.passed.incrementAndGet();
        t.tries.addAndGet(tries);
    }

    @Test
    void roundTripOfRootAndSubPaths() throws Exception {
        property(t -> Property.forAll(shareable()).tries(tries()).check(graph -> GroveContract.roundTrip(t, graph, 20)).passed());
    }

    @Test
    void whatArrivesIsTheSameRegion() throws Exception {
        property(t -> Property.forAll(shareable()).tries(tries()).check(graph -> GroveContract.identity(t, graph)).passed());
    }

    /** A graph and the damage done to its reference on the wire. */
    record Damage(Object graph, long seed, int flips) {
    }

    @Test
    void damagedBytesFailCleanly() throws Exception {
        Gen<Object> graphs = shareable();
        property(t -> Property.forAll(s -> new Damage(graphs.generate(s), Gens.longs().generate(s), Gens.ints(1, 3).generate(s)))
                .tries(tries()).check(d -> {
                    if (GroveContract.corruption(t, d.graph(), d.seed(), d.flips())) {
                        GroveContract.DOCUMENTED_FAILURES.incrementAndGet();
                    }
                }).passed());
    }

    @Test
    void sizeIsBoundedAndIndependentOfTheData() throws Exception {
        property(t -> {
            GroveContract.size(t);
            return 1;
        });
    }

    @Test
    void leasesKeepReferencesInFlightAliveAndNothingIsLeftAfterwards() throws Exception {
        property(t -> {
            GroveContract.lifetime(t, leaseMillis());
            return 1;
        });
    }

    @Test
    void aConsumedOnceReferenceCrossesIntactAndHandsItsRegionBack() throws Exception {
        property(t -> {
            GroveContract.consumedOnce(t);
            return 1;
        });
    }

    @Test
    void aHolderKeepsItsRegionPastTheSenderAndTheLease() throws Exception {
        property(t -> {
            GroveContract.holding(t, leaseMillis());
            return 1;
        });
    }

    @Test
    void arraysLongerThanTwoToThe31CrossByReference() throws Exception {
        // Reported as skipped (not passed) when the store lacks the 4 GiB this needs.
        if (!GroveContract.hasRoomForHugeArray()) {
            counting().skipped.incrementAndGet();
        }
        Assumptions.assumeTrue(GroveContract.hasRoomForHugeArray(), "the store has less than 4 GiB free");
        property(t -> {
            GroveContract.hugeArray(t);
            return 1;
        });
    }

    /**
     * Closes the transport, then checks that no region is left in this process's store, and prints the class's
     * summary line: properties passed and skipped, inputs tried, calls made, seconds.
     */
    @AfterAll
    static void closeTransports() throws Exception {
        List<Counting> all = List.copyOf(OPEN.values());
        OPEN.clear();
        for (Counting t : all) {
            t.close();
        }
        GroveContract.assertNothingLeft(60_000);
        for (Counting t : all) {
            System.out.println(t.summary());
        }
    }

    /** The transport as the properties see it: every call counted, for the minimum and the summary. */
    private static final class Counting implements Transport {
        private final Transport inner;
        private final long startNanos = System.nanoTime();
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong tries = new AtomicLong();
        private final AtomicInteger passed = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();

        Counting(Transport inner) {
            this.inner = inner;
        }

        @Override
        public Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
            calls.incrementAndGet();
            return inner.roundTrip(value, wire);
        }

        @Override
        public boolean isDocumentedFailure(Throwable failure) {
            return inner.isDocumentedFailure(failure);
        }

        @Override
        public long lastReplyBytes() {
            return inner.lastReplyBytes();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }

        String summary() {
            return String.format(java.util.Locale.ROOT, "grove-conformance [%s]: %d properties passed, %d skipped, %d tries,"
                    + " %d calls, %.1f s", name(), passed.get(), skipped.get(), tries.get(), calls.get(),
                    (System.nanoTime() - startNanos) / 1e9);
        }
    }
}

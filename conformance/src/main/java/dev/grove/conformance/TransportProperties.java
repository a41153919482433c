package dev.grove.conformance;

import dev.grove.check.Gen;
import dev.grove.check.Gens;
import dev.grove.check.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * Tries per property: {@link #tries()}, by default {@code -Dgrove.conformance.tries} or 100. A failure
 * report prints the seed; {@code -Dgrove.check.seed=} that value replays the run. One transport instance
 * serves all properties of the class and is closed at the end.
 */
public abstract class TransportProperties {
    private static final Map<Class<?>, Transport> OPEN = new ConcurrentHashMap<>();

    /** For subclasses, which JUnit instantiates to run the properties. */
    public TransportProperties() {
    }

    /** The transport under test; called once per test class. */
    protected abstract Transport openTransport() throws Exception;

    /** The lease the processes use, in milliseconds: the lifetime check waits this long for the last one to end. */
    protected long leaseMillis() {
        return (long) (Double.parseDouble(System.getProperty("grove.lease.seconds", "60")) * 1000);
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
        Transport t = OPEN.get(getClass());
        if (t == null) {
            t = openTransport();
            OPEN.put(getClass(), t);
        }
        return t;
    }

    @Test
    void roundTripOfRootAndSubPaths() throws Exception {
        Transport t = transport();
        Property.forAll(shareable()).tries(tries()).check(graph -> GroveContract.roundTrip(t, graph, 20));
    }

    @Test
    void whatArrivesIsTheSameRegion() throws Exception {
        Transport t = transport();
        Property.forAll(shareable()).tries(tries()).check(graph -> GroveContract.identity(t, graph));
    }

    /** A graph and the damage done to its reference on the wire. */
    record Damage(Object graph, long seed, int flips) {
    }

    @Test
    void damagedBytesFailCleanly() throws Exception {
        Transport t = transport();
        Gen<Object> graphs = shareable();
        Property.forAll(s -> new Damage(graphs.generate(s), Gens.longs().generate(s), Gens.ints(1, 3).generate(s)))
                .tries(tries()).check(d -> {
                    if (GroveContract.corruption(t, d.graph(), d.seed(), d.flips())) {
                        GroveContract.DOCUMENTED_FAILURES.incrementAndGet();
                    }
                });
    }

    @Test
    void sizeIsBoundedAndIndependentOfTheData() throws Exception {
        GroveContract.size(transport());
    }

    @Test
    void leasesKeepReferencesInFlightAliveAndNothingIsLeftAfterwards() throws Exception {
        GroveContract.lifetime(transport(), leaseMillis());
    }

    @Test
    void aConsumedOnceReferenceCrossesIntactAndHandsItsRegionBack() throws Exception {
        GroveContract.consumedOnce(transport());
    }

    @Test
    void aHolderKeepsItsRegionPastTheSenderAndTheLease() throws Exception {
        GroveContract.holding(transport(), leaseMillis());
    }

    @Test
    void arraysLongerThanTwoToThe31CrossByReference() throws Exception {
        // Reported as skipped (not passed) when the store lacks the 4 GiB this needs.
        Assumptions.assumeTrue(GroveContract.hasRoomForHugeArray(), "the store has less than 4 GiB free");
        GroveContract.hugeArray(transport());
    }

    /** Closes the transport, then checks that no region is left in this process's store. */
    @AfterAll
    static void closeTransports() throws Exception {
        for (Transport t : OPEN.values()) {
            t.close();
        }
        OPEN.clear();
        GroveContract.assertNothingLeft(60_000);
    }
}

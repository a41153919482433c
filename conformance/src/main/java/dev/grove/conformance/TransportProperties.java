package dev.grove.conformance;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The whole kit as jqwik properties. Extend it once per transport, name the subclass {@code ...Properties},
 * and implement {@link #openTransport()}:
 *
 * <pre>{@code
 * class MyRpcProperties extends TransportProperties {
 *     protected Transport openTransport() { return new MyRpcTransport(); }
 * }
 * }</pre>
 *
 * Tries per property follow jqwik's {@code jqwik.tries.default} (set it high for a nightly run). One
 * transport instance serves all properties of the class and is closed at the end.
 */
public abstract class TransportProperties {
    private static final java.util.Map<Class<?>, Transport> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

    /** The transport under test; called once per test class. */
    protected abstract Transport openTransport() throws Exception;

    /** The lease the peer processes use, in milliseconds (they must run with a short one for the lifetime check). */
    protected long leaseMillis() {
        return (long) (Double.parseDouble(System.getProperty("grove.lease.seconds", "60")) * 1000);
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

    @Provide
    Arbitrary<Object> shareable() {
        return GroveArbitraries.anyShareable();
    }

    @Property
    void roundTripOfRootAndSubPaths(@ForAll("shareable") Object graph) throws Exception {
        GroveContract.roundTrip(transport(), graph, 20);
    }

    @Property
    void whatArrivesIsTheSameRegion(@ForAll("shareable") Object graph) throws Exception {
        GroveContract.identity(transport(), graph);
    }

    @Property
    void damagedBytesFailCleanly(@ForAll("shareable") Object graph, @ForAll long seed,
                                 @ForAll @IntRange(min = 1, max = 3) int flips) throws Exception {
        if (GroveContract.corruption(transport(), graph, seed, flips)) {
            GroveContract.DOCUMENTED_FAILURES.incrementAndGet();
        }
    }

    @Example
    void sizeIsBoundedAndIndependentOfTheData() throws Exception {
        GroveContract.size(transport());
    }

    @Example
    void leasesKeepReferencesInFlightAliveAndNothingIsLeftAfterwards() throws Exception {
        GroveContract.lifetime(transport(), leaseMillis());
    }

    @Example
    void arraysLongerThanTwoToThe31CrossByReference() throws Exception {
        // Guarded: it needs 2 GiB in the store. Without the room, there is nothing to check here.
        if (GroveContract.hasRoomForHugeArray()) {
            GroveContract.hugeArray(transport());
        }
    }

    /** Closes the transport, then checks that no region is left in this process's store. */
    @AfterContainer
    static void closeTransports() throws Exception {
        for (Transport t : OPEN.values()) {
            t.close();
        }
        OPEN.clear();
        GroveContract.assertNothingLeft(60_000);
    }
}

package dev.grove.conformance;

import dev.grove.check.Property;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The README's example of driving the kit's checks from plain JUnit 5, without the base class. */
class PlainJUnitTest {
    static final Transport transport = new InProcessTransport(new Codec.ForyCodec());

    @Test
    void roundTrips() {
        Property.forAll(GroveGenerators.anyShareable()).tries(50)
                .check(graph -> GroveContract.roundTrip(transport, graph, 20));
    }

    @Test
    void sizeIsBounded() throws Exception {
        GroveContract.size(transport);
    }

    @AfterAll
    static void nothingLeaks() throws Exception {
        transport.close();
        Leaks.assertNoRegionsLeft(30);
    }
}

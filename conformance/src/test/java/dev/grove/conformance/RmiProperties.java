package dev.grove.conformance;

/** The kit against java RMI to a child JVM on loopback. */
class RmiProperties extends TransportProperties {
    @Override
    protected Transport openTransport() throws Exception {
        return new RmiTransport();
    }
}

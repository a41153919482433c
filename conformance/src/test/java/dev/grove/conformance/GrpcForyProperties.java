package dev.grove.conformance;

/** The kit against gRPC with Fory marshalling to a child JVM on loopback. */
class GrpcForyProperties extends TransportProperties {
    @Override
    protected Transport openTransport() {
        return new GrpcForyTransport();
    }
}

package dev.grove.conformance;

/** The kit against fory, both ends in this JVM. */
class InProcessForyProperties extends TransportProperties {
    @Override
    protected Transport openTransport() {
        return new InProcessTransport(new Codec.ForyCodec());
    }
}

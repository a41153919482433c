package dev.grove.conformance;

/** The kit against java.io object streams, both ends in this JVM. */
class InProcessJavaIoProperties extends TransportProperties {
    @Override
    protected Transport openTransport() {
        return new InProcessTransport(new Codec.JavaIoCodec());
    }
}

package dev.grove.conformance;

/** The kit against fory to a child JVM over its stdin and stdout. */
class ChildPipeForyProperties extends TransportProperties {
    @Override
    protected Transport openTransport() {
        return new ChildPipeTransport(new Codec.ForyCodec());
    }
}

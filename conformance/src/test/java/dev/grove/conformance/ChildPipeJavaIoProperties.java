package dev.grove.conformance;

/** The kit against java.io to a child JVM over its stdin and stdout. */
class ChildPipeJavaIoProperties extends TransportProperties {
    @Override
    protected Transport openTransport() {
        return new ChildPipeTransport(new Codec.JavaIoCodec());
    }
}

package dev.grove.conformance;

import dev.grove.SharedObject;

import java.util.function.UnaryOperator;

/** Both ends in this JVM: encode, pass the bytes on, decode, and encode and decode the answer. */
class InProcessTransport implements Transport {
    final Codec codec;
    private volatile long replyBytes = -1;

    InProcessTransport(Codec codec) {
        this.codec = codec;
    }

    @Override
    public Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
        Object received = codec.decode(wire.apply(codec.encode(value)));
        try {
            byte[] reply = codec.encode(received);
            replyBytes = reply.length;
            return codec.decode(reply);
        } finally {
            if (received instanceof SharedObject so) {
                so.close();
            }
        }
    }

    @Override
    public boolean isDocumentedFailure(Throwable failure) {
        return codec.isDocumented(failure);
    }

    @Override
    public long lastReplyBytes() {
        return replyBytes;
    }

    @Override
    public String name() {
        return "in-process " + codec.name();
    }
}

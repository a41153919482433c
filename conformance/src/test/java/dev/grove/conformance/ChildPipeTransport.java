package dev.grove.conformance;

import dev.grove.test.ChildJvm;

import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/** The peer is a child JVM; messages travel over its stdin and stdout. */
class ChildPipeTransport implements Transport {
    static final List<String> FLAGS = List.of("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");
    private final Codec codec;
    private final ChildJvm peer;
    private long sequence;
    private volatile long replyBytes = -1;

    /** A failure the peer reported: its exception class, and the message. */
    static final class PeerFailure extends Exception {
        final String type;

        PeerFailure(String type, String message) {
            super(type + ": " + message);
            this.type = type;
        }
    }

    ChildPipeTransport(Codec codec) {
        this(codec, "close");
    }

    /** With {@code views} "keep", a peer that keeps every view it decodes (a broken one). */
    ChildPipeTransport(Codec codec, String views) {
        this.codec = codec;
        this.peer = ChildJvm.start(FLAGS, EchoPeer.class, codec.name().equals("fory") ? "fory" : "java", views);
        peer.expect("ready", 60);
    }

    long peerPid() {
        return peer.pid();
    }

    @Override
    public synchronized Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
        String n = Long.toString(++sequence);
        peer.send(n + " " + Base64.getEncoder().encodeToString(wire.apply(codec.encode(value))));
        // Numbered answers: a late answer to an earlier request can never be taken for this one.
        String answer = peer.expect(n + " ", 30);
        if (answer.startsWith("error ")) {
            String[] p = answer.substring(6).split(" ", 2);
            throw new PeerFailure(p[0], p.length > 1 ? p[1] : "");
        }
        byte[] reply = Base64.getDecoder().decode(answer.substring(3));
        replyBytes = reply.length;
        return codec.decode(reply);
    }

    @Override
    public long lastReplyBytes() {
        return replyBytes;
    }

    /** Documented: the peer reported, and stayed alive to report, an exception its codec documents. */
    @Override
    public boolean isDocumentedFailure(Throwable failure) {
        if (!(failure instanceof PeerFailure pf) || !peer.isAlive()) {
            return false;
        }
        try {
            return codec.isDocumented(Class.forName(pf.type));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "child JVM over pipes, " + codec.name();
    }

    @Override
    public void close() {
        peer.close();
    }
}

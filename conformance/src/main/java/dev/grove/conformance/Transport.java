package dev.grove.conformance;

import java.util.function.UnaryOperator;

/**
 * What an integrator implements to run the kit against their own transport or RPC stack: carry a value to
 * a peer (another process, ideally) and bring back what the peer received.
 */
public interface Transport extends AutoCloseable {

    /**
     * Serializes {@code value} the way the stack does, passes the bytes through {@code wire} (the kit
     * measures, delays or damages them there), delivers them to the peer, which deserializes them and sends
     * what it got straight back (serialized again by the stack), and returns that. Once it has answered, the
     * peer closes every view it decoded: a peer may not hold views past its answer, and the lifetime check
     * names one that does (its pid and command line). Called from one thread at a time, not always the same
     * one (the damage check calls from a helper thread, to bound a hang).
     *
     * @throws Exception whatever the stack throws when a message cannot be read; see
     *                   {@link #isDocumentedFailure}
     */
    Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception;

    /**
     * Whether {@code failure} is one the stack documents for unreadable input (for example
     * {@code InvalidObjectException} for java.io, a {@code StatusRuntimeException} for gRPC). Damaged bytes
     * may only ever produce such failures, or the original value.
     */
    boolean isDocumentedFailure(Throwable failure);

    /**
     * The size in bytes of the reply to the last {@link #roundTrip} (what the peer sent back), if the transport
     * knows it; -1 (the default) if not. The size check bounds it as it bounds requests; without it, the check
     * still requires the reply to decode to a view of the same region, which a reply carrying a copy cannot.
     */
    default long lastReplyBytes() {
        return -1;
    }

    /** A short name for reports. */
    String name();

    /**
     * Ends the peer and frees what the transport holds. The kit calls it once, after the last property of the
     * class, and then checks that no region is left in the store: a peer that outlives {@code close()} and still
     * holds views is named in that check's failure.
     */
    @Override
    default void close() throws Exception {
    }
}

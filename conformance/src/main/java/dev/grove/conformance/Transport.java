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
     * what it got straight back (serialized again by the stack), and returns that.
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

    /** A short name for reports. */
    String name();

    /** Ends the peer and frees what the transport holds. */
    @Override
    default void close() throws Exception {
    }
}

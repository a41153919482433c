package dev.grove;

/**
 * The store has no room for a new region. Thrown when the region is created, before anything is written, so
 * it never turns into a SIGBUS later. The message says how much was asked for and how much is free.
 */
public class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public StoreFullException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}

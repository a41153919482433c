package dev.grove;

/**
 * Root of every exception Grove throws for a problem with shared data: a missing, stale, corrupt or
 * released region, a malformed path, an unsupported type, or a store that is full or unsafe. Bad arguments
 * that are plain programming errors (a negative length, an index out of a list's bounds) use the JDK's own
 * exceptions instead. Messages carry the facts as {@code key=value} pairs and name the region path.
 */
public class GroveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public GroveException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public GroveException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.grove;

/**
 * A path is malformed ({@code /x[}, {@code /x[-1]}), indexes past the end of a container, indexes into
 * something that is not a container, or names a view of another type than the caller asked for.
 */
public class InvalidPathException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public InvalidPathException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public InvalidPathException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.grove;

/**
 * An object handed to {@link Grove#share(Object)} holds a value Grove cannot store. The message names
 * its class and its position in the graph, such as {@code root[3]["x"]}.
 */
public class UnsupportedTypeException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public UnsupportedTypeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public UnsupportedTypeException(String message, Throwable cause) {
        super(message, cause);
    }
}

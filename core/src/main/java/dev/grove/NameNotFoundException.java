package dev.grove;

/**
 * No variable of that name is registered in the namespace; the message lists the names that are.
 */
public class NameNotFoundException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the namespace and variables
     */
    public NameNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the namespace and variables
     * @param cause   what went wrong underneath
     */
    public NameNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.grove;

/**
 * A namespace variable is registered already, and the caller did not ask to replace it. Of many processes
 * registering one name at once, all but one get this.
 */
public class NameExistsException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the namespace and variables
     */
    public NameExistsException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the namespace and variables
     * @param cause   what went wrong underneath
     */
    public NameExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.grove;

/**
 * The store directory cannot be used safely: it is owned by another user, open to group or others, or a
 * file in it could not be created, reserved or removed.
 */
public class StoreException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

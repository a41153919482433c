package dev.grove;

/**
 * A reference names a region that exists but carries another region id: the name was reused or the
 * reference was forged. The region is never mapped in its place.
 */
public class StaleReferenceException extends RegionNotFoundException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public StaleReferenceException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public StaleReferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}

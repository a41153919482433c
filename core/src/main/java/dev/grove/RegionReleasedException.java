package dev.grove;

/**
 * A view was used after it was closed, or after its region was released. Grove never reads memory that has
 * been unmapped: the access fails with this exception instead.
 */
public class RegionReleasedException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public RegionReleasedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public RegionReleasedException(String message, Throwable cause) {
        super(message, cause);
    }
}

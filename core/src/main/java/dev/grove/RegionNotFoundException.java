package dev.grove;

/**
 * The region a path or reference names does not exist (any more): it was never created, was freed after
 * its last holder let go and its lease ran out, or is not sealed yet because its writer is still at work or died.
 */
public class RegionNotFoundException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public RegionNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public RegionNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

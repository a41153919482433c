package dev.grove;

/**
 * A write to a region that is sealed: it was shared for writing, and its creator has sealed it, so it is
 * read-only from now on (map it with {@code map} for reading).
 */
public class RegionSealedException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public RegionSealedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public RegionSealedException(String message, Throwable cause) {
        super(message, cause);
    }
}

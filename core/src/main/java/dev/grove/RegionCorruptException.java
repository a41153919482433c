package dev.grove;

/**
 * A region file is not a valid Grove region: wrong magic or version, a bad checksum, or an offset or length
 * that points outside the region. Grove checks before it reads, so this replaces a crash or an out-of-bounds read.
 */
public class RegionCorruptException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public RegionCorruptException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public RegionCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}

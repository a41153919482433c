package dev.grove;

/**
 * A step that needs every other process to have let go of a region found it still held: the creator of a
 * region shared for writing seals it only once no other writer maps it.
 */
public class RegionInUseException extends GroveException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs, with the region path
     */
    public RegionInUseException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message facts as key=value pairs, with the region path
     * @param cause   what went wrong underneath
     */
    public RegionInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}

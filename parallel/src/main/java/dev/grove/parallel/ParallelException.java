package dev.grove.parallel;

import dev.grove.GroveException;

/**
 * A parallel call failed: the function threw for an element (the cause is that exception, or for a worker JVM
 * a {@link RemoteFailure} carrying its class, message and stack trace), a worker JVM died twice on the same
 * chunk, or the call was cancelled. The rest of the call's work is cancelled; nothing it shared stays behind.
 */
public class ParallelException extends GroveException {
    private static final long serialVersionUID = 1L;

    /** The index of the element that failed, or -1 if none in particular. */
    private final long index;

    /**
     * Creates the exception.
     *
     * @param message facts as key=value pairs
     * @param index   the element that failed, or -1 if none in particular
     * @param cause   what failed
     */
    public ParallelException(String message, long index, Throwable cause) {
        super(message, cause);
        this.index = index;
    }

    /** The index of the element whose function call failed, or -1 if the failure was not one element's. */
    public long index() {
        return index;
    }
}

package dev.grove.parallel;

/**
 * An exception thrown by the function in a worker JVM, as it arrives in the parent: the original class name,
 * message and stack trace (the worker's frames), and the same for its causes. Carried this way because the
 * original exception class may not serialize.
 */
public final class RemoteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The class name of the original exception in the worker. */
    private final String className;

    RemoteFailure(String className, String message, StackTraceElement[] trace, RemoteFailure cause) {
        super(className + (message == null ? "" : ": " + message), cause, false, true);
        this.className = className;
        setStackTrace(trace);
    }

    /** The original exception's class name, e.g. {@code java.lang.ArithmeticException}. */
    public String className() {
        return className;
    }

    /** {@code t} and its causes as failures that serialize whatever their classes. */
    static RemoteFailure of(Throwable t) {
        if (t == null) {
            return null;
        }
        if (t instanceof RemoteFailure r) {
            return r;
        }
        return new RemoteFailure(t.getClass().getName(), t.getMessage(), t.getStackTrace(),
                t.getCause() == t ? null : of(t.getCause()));
    }
}

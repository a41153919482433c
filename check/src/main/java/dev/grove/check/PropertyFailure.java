package dev.grove.check;

/**
 * A property that did not hold: the report names the property, the run seed that reproduces it, the
 * shrunk counterexample and the first failing input (or, for a failure the same input did not repeat, says it
 * is intermittent). The cause is the failure of the shrunk input. Every text in the report and in its causes
 * is printable: lone surrogates and control characters in generated values are escaped, so that a console or
 * a test report's XML never cuts it short. A cause whose message needed that is replaced by a stand-in (an
 * {@code AssertionError} that prints the original class name, the escaped message and the same stack trace), so
 * check {@code getCause()} by its text, not by its class, when a generated value may reach its message.
 */
public final class PropertyFailure extends AssertionError {
    private final transient Object counterexample;
    /** The run seed that replays the failure, or 0 if the failure came without one. */
    private final long seed;

    PropertyFailure(String message, Throwable cause) {
        this(message, cause, null, 0);
    }

    private PropertyFailure(String message, Throwable cause, Object counterexample, long seed) {
        super(message, cause);
        this.counterexample = counterexample;
        this.seed = seed;
    }

    static PropertyFailure report(String name, long seed, int attempt, Property.Outcome<?> first,
                                  Property.Outcome<?> shrunk) {
        Throwable cause = Describe.escaped(shrunk.failure());
        String message = name + " failed on try " + attempt + " (seed=" + seed
                + "; rerun with -Dgrove.check.seed=" + seed + ")\n"
                + "  shrunk counterexample (" + shrunk.shrinkRuns() + " shrink runs, " + shrunk.choices().length
                + " choices): " + Describe.of(shrunk.value()) + "\n"
                + "  first failing input: " + Describe.of(first.value()) + "\n"
                + "  failure of the shrunk input: " + cause;
        return new PropertyFailure(Describe.escape(message), cause, shrunk.value(), seed);
    }

    /**
     * A failure that the same input did not repeat: no counterexample is shrunk, since it would not reproduce.
     * The cause is the first failure.
     */
    static PropertyFailure intermittent(String name, long seed, int attempt, Property.Outcome<?> first,
                                        int passedReplays, int replays) {
        Throwable cause = Describe.escaped(first.failure());
        String message = name + " failed on try " + attempt + ", intermittently: the same input passed "
                + passedReplays + " of " + replays + " replays (seed=" + seed + "). The failure does not follow from the"
                + " input alone (a dropped connection, a race, a resource running out): no counterexample is shrunk\n"
                + "  failing input: " + Describe.of(first.value()) + "\n"
                + "  failure: " + cause;
        return new PropertyFailure(Describe.escape(message), cause, first.value(), seed);
    }

    /** The simplest failing input found. */
    public Object counterexample() {
        return counterexample;
    }

    /** The run seed; {@code -Dgrove.check.seed=} this value replays the run. */
    public long seed() {
        return seed;
    }
}

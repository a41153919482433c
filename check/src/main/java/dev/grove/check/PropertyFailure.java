package dev.grove.check;

/**
 * A property that did not hold: the report names the property, the run seed that reproduces it, the
 * shrunk counterexample and the first failing input. The cause is the failure of the shrunk input.
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
        Throwable cause = shrunk.failure();
        String message = name + " failed on try " + attempt + " (seed=" + seed
                + "; rerun with -Dgrove.check.seed=" + seed + ")\n"
                + "  shrunk counterexample (" + shrunk.shrinkRuns() + " shrink runs, " + shrunk.choices().length
                + " choices): " + Describe.of(shrunk.value()) + "\n"
                + "  first failing input: " + Describe.of(first.value()) + "\n"
                + "  failure of the shrunk input: " + cause;
        return new PropertyFailure(message, cause, shrunk.value(), seed);
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

package dev.grove.check;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A property: a check that must hold for every value of a generator. {@link #check} runs it on fresh
 * values; on the first failure it runs the same input again a few times ({@link #replays}). If a replay
 * passes, the failure does not depend on the input alone (an intermittent fault: a dropped connection, a
 * race), and the report says so, with how often the input passed, instead of shrinking a counterexample that
 * would not reproduce. Otherwise it shrinks the input to a simpler one that fails the same way and throws a
 * {@link PropertyFailure} naming both, with the seed that reproduces the run.
 *
 * <pre>{@code
 * Property.forAll(Gens.ints().list(0, 20)).tries(200).check(list -> assertEquals(list, reverse(reverse(list))));
 * }</pre>
 *
 * <p>System properties, for every property of a run: {@code grove.check.seed} (a fixed run seed, as a
 * failure report prints it), {@code grove.check.scale} (multiplies every property's tries: 10 for a
 * long run), {@code grove.check.shrinkRuns} (at most this many runs spent shrinking, 1000 by default),
 * {@code grove.check.shrinkSeconds} (at most this long, 60 by default) and {@code grove.check.replays} (runs of a
 * failing input again before shrinking, 3 by default).
 *
 * @param <T> the type of generated values
 */
public final class Property<T> {
    private final Gen<T> gen;
    private String name;
    private int tries = 100;
    private Long seed;
    private int shrinkRuns = Integer.getInteger("grove.check.shrinkRuns", 1000);
    private int replays = Integer.getInteger("grove.check.replays", 3);

    private Property(Gen<T> gen) {
        this.gen = gen;
    }

    /** A property over the values of {@code gen}; combine several inputs in one generator (a lambda or a record). */
    public static <T> Property<T> forAll(Gen<T> gen) {
        return new Property<>(gen);
    }

    /** Skips this try (it counts neither as passed nor as failed) unless {@code condition} holds. */
    public static void assume(boolean condition) {
        if (!condition) {
            throw new Source.Discard("assumption not met");
        }
    }

    /** The name in reports; by default the name of the method that calls {@link #check}. */
    public Property<T> named(String name) {
        this.name = name;
        return this;
    }

    /** Tries to pass (before {@code grove.check.scale}); 100 by default. */
    public Property<T> tries(int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries=" + tries + " must be at least 1");
        }
        this.tries = tries;
        return this;
    }

    /** A fixed run seed, instead of {@code grove.check.seed} or a fresh one. */
    public Property<T> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Runs spent shrinking at most (0 reports the first failing input as found). */
    public Property<T> shrinkRuns(int runs) {
        this.shrinkRuns = runs;
        return this;
    }

    /**
     * How many times a failing input is run again before it is taken as a counterexample (3 by default, or
     * {@code grove.check.replays}); 0 takes every failure as reproducible.
     */
    public Property<T> replays(int replays) {
        if (replays < 0) {
            throw new IllegalArgumentException("replays=" + replays + " must not be negative");
        }
        this.replays = replays;
        return this;
    }

    /** What a passed run did. */
    public record Summary(String name, long seed, int passed, int discarded) {
    }

    /** The check, given one generated value: it fails by throwing anything. */
    @FunctionalInterface
    public interface Body<T> {
        /** Checks {@code value}. */
        void accept(T value) throws Exception;
    }

    /**
     * Runs {@code body} on generated values until the scaled number of tries passed.
     *
     * @throws PropertyFailure on the first failure (after shrinking), or when nearly every try was discarded
     */
    public Summary check(Body<? super T> body) {
        String label = name != null ? name : callerName();
        long runSeed = seed != null ? seed : Long.getLong("grove.check.seed", new SplittableRandom().nextLong());
        int wanted = Math.max(1, (int) Math.round(tries * Double.parseDouble(System.getProperty("grove.check.scale", "1"))));
        SplittableRandom trySeeds = new SplittableRandom(runSeed);
        int passed = 0;
        int discarded = 0;
        for (int attempt = 1; passed < wanted; attempt++) {
            if (discarded > 10 * wanted + 100) {
                throw new PropertyFailure(label + ": " + discarded + " tries discarded, " + passed
                        + " passed: the generator or the assumptions reject nearly everything (seed=" + runSeed + ")", null);
            }
            Source source = Source.fresh(trySeeds.nextLong());
            Outcome<T> outcome = run(source, body);
            if (outcome.discarded()) {
                discarded++;
            } else if (outcome.failure() == null) {
                passed++;
            } else {
                int passedReplays = 0;
                for (int r = 0; r < replays; r++) {
                    Outcome<T> again = run(Source.replaying(outcome.choices()), body);
                    passedReplays += again.failure() == null && !again.discarded() ? 1 : 0;
                }
                if (passedReplays > 0) {
                    throw PropertyFailure.intermittent(label, runSeed, attempt, outcome, passedReplays, replays);
                }
                Outcome<T> shrunk = new Shrinker<>(this, body, outcome, source).shrink();
                throw PropertyFailure.report(label, runSeed, attempt, outcome, shrunk);
            }
        }
        return new Summary(label, runSeed, passed, discarded);
    }

    /** The first caller that is neither this engine, a lambda nor a test framework's helper: the test method. */
    private static String callerName() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(Property.class.getName()) && !f.getMethodName().startsWith("lambda$")
                        && !f.getClassName().startsWith("org.junit."))
                .findFirst().map(StackWalker.StackFrame::getMethodName).orElse("property"));
    }

    /** One run of the body on the value {@code source} generates. */
    record Outcome<T>(T value, Throwable failure, boolean discarded, long[] choices, int shrinkRuns) {
    }

    private Outcome<T> run(Source source, Body<? super T> body) {
        T value;
        try {
            value = gen.generate(source);
        } catch (Source.Discard d) {
            return new Outcome<>(null, null, true, null, 0);
        }
        try {
            body.accept(value);
            return new Outcome<>(value, null, false, source.choices(), 0);
        } catch (Source.Discard d) {
            return new Outcome<>(value, null, true, null, 0);
        } catch (Throwable failure) {
            return new Outcome<>(value, failure, false, source.choices(), 0);
        }
    }

    /**
     * Edits the failing choice sequence while the edit still fails the same way (the same exception
     * class). First whole elements of containers (the spans generators mark): delete one, replace it by a
     * single 0 (an absent optional, the end of a list), or make it the simplest element; then delete single
     * choices and pairs; then lower each choice, trying 0 first and then by binary search. Rounds repeat until
     * one finds nothing or the budget is spent. A candidate counts only if it is simpler: fewer choices, or
     * as many and smaller at the first difference; so shrinking always ends.
     */
    private static final class Shrinker<T> {
        private final Property<T> property;
        private final Body<? super T> body;
        private final Class<?> failureClass;
        private final long deadline;
        private Outcome<T> best;
        private long[] bestChoices;
        private int[] bestSpans;
        private int runs;

        Shrinker(Property<T> property, Body<? super T> body, Outcome<T> first, Source source) {
            this.property = property;
            this.body = body;
            this.failureClass = first.failure().getClass();
            this.best = first;
            this.bestChoices = source.choices();
            this.bestSpans = source.spans();
            this.deadline = System.nanoTime() + Long.getLong("grove.check.shrinkSeconds", 60) * 1_000_000_000L;
        }

        Outcome<T> shrink() {
            boolean improved = true;
            while (improved && spare()) {
                improved = shrinkSpans();
                for (int block = 2; block >= 1; block--) {
                    for (int i = bestChoices.length - block; i >= 0 && spare(); i--) {
                        if (i + block <= bestChoices.length) {
                            improved |= attempt(splice(bestChoices, i, i + block, new long[0]));
                        }
                    }
                }
                for (int i = 0; i < bestChoices.length && spare(); i++) {
                    improved |= lower(i);
                }
            }
            return new Outcome<>(best.value(), best.failure(), false, bestChoices, runs);
        }

        /** Spans from the last to the first, so that outer and later elements go before inner and earlier ones. */
        private boolean shrinkSpans() {
            boolean improved = false;
            for (int k = bestSpans.length - 2; k >= 0 && spare(); k -= 2) {
                if (k + 1 >= bestSpans.length) {
                    continue;
                }
                int start = bestSpans[k];
                int end = bestSpans[k + 1];
                if (end > bestChoices.length) {
                    continue;
                }
                long[] zeroed = bestChoices.clone();
                Arrays.fill(zeroed, start + 1, end, 0);
                boolean done = attempt(splice(bestChoices, start, end, new long[0]))
                        || attempt(splice(bestChoices, start, end, new long[] {0}))
                        || (!Arrays.equals(zeroed, bestChoices) && attempt(zeroed));
                improved |= done;
            }
            return improved;
        }

        /** Choice {@code i} as small as it can be while the run still fails: 0, or found by binary search. */
        private boolean lower(int i) {
            if (bestChoices[i] == 0) {
                return false;
            }
            long[] lowered = bestChoices.clone();
            lowered[i] = 0;
            if (attempt(lowered)) {
                return true;
            }
            long lo = 1;
            long hi = bestChoices[i];
            boolean improved = false;
            while (lo < hi && spare() && i < bestChoices.length) {
                long mid = lo + (hi - lo) / 2;
                lowered = bestChoices.clone();
                lowered[i] = mid;
                if (attempt(lowered)) {
                    hi = mid;
                    improved = true;
                } else {
                    lo = mid + 1;
                }
            }
            return improved;
        }

        private static long[] splice(long[] a, int from, int to, long[] insert) {
            long[] out = new long[a.length - (to - from) + insert.length];
            System.arraycopy(a, 0, out, 0, from);
            System.arraycopy(insert, 0, out, from, insert.length);
            System.arraycopy(a, to, out, from + insert.length, a.length - to);
            return out;
        }

        private boolean spare() {
            return runs < property.shrinkRuns && System.nanoTime() < deadline;
        }

        private boolean attempt(long[] candidate) {
            runs++;
            Source replay = Source.replaying(candidate);
            Outcome<T> o = property.run(replay, body);
            if (o.discarded() || o.failure() == null || o.failure().getClass() != failureClass) {
                return false;
            }
            long[] used = replay.choices();
            if (!simpler(used, bestChoices)) {
                return false;
            }
            best = o;
            bestChoices = used;
            bestSpans = replay.spans();
            return true;
        }

        private static boolean simpler(long[] a, long[] b) {
            if (a.length != b.length) {
                return a.length < b.length;
            }
            return Arrays.compareUnsigned(a, b) < 0;
        }
    }
}

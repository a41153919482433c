package dev.grove.check;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where generators get their randomness: a sequence of recorded choices, each a number in {@code [0, max]}.
 * A try draws fresh choices from a seeded random generator and records them; shrinking replays edited
 * copies of that record (shorter, or with smaller numbers). Generators are written so that a smaller
 * choice means a simpler value, and 0 the simplest: then any edit that still fails is a simpler
 * counterexample, and no generator needs a shrinker of its own.
 *
 * <p>A source belongs to one try on one thread.
 */
public final class Source {
    /** Choices one try may make before it is discarded (a generator that never stops). */
    static final int MAX_CHOICES = 200_000;
    private final SplittableRandom random;
    private final long[] replay;
    private long[] made = new long[64];
    private int count;
    private SplittableRandom ignored;
    private int[] spans = new int[32];
    private int spanCount;

    private Source(SplittableRandom random, long[] replay) {
        this.random = random;
        this.replay = replay;
    }

    static Source fresh(long seed) {
        return new Source(new SplittableRandom(seed), null);
    }

    static Source replaying(long[] choices) {
        return new Source(null, choices);
    }

    /** A choice in {@code [0, max]}, uniform when fresh. */
    public long draw(long max) {
        if (random == null) {
            return draw(max, 0);
        }
        return draw(max, max == Long.MAX_VALUE ? random.nextLong() >>> 1 : random.nextLong(max + 1));
    }

    /**
     * A choice in {@code [0, max]}: {@code proposal} when fresh (a generator biases its choices this way),
     * the recorded one (clamped to {@code max}) when replaying, and 0 once a replayed record runs out.
     */
    public long draw(long max, long proposal) {
        if (max < 0) {
            throw new IllegalArgumentException("max=" + max + " must be at least 0");
        }
        long v;
        if (replay == null) {
            v = Math.clamp(proposal, 0, max);
        } else {
            v = count < replay.length ? Math.min(replay[count], max) : 0;
        }
        if (count == MAX_CHOICES) {
            throw new Discard("the generator made more than " + MAX_CHOICES + " choices");
        }
        if (count == made.length) {
            made = Arrays.copyOf(made, count * 2);
        }
        made[count++] = v;
        return v;
    }

    /** A yes/no choice that is yes with probability {@code p} when fresh; "no" is the simpler one. */
    public boolean flag(double p) {
        return draw(1, random != null && random.nextDouble() < p ? 1 : 0) == 1;
    }

    /**
     * The random generator to compute proposals from. Its numbers must only ever feed {@link #draw(long, long)}
     * and {@link #flag}: anything else would make a replay differ from the try it replays.
     */
    public SplittableRandom random() {
        if (random == null) {
            ignored = ignored == null ? new SplittableRandom(0) : ignored;
            return ignored;
        }
        return random;
    }

    /** The number of choices made so far: where the next element's choices start, for {@link #endSpan}. */
    int position() {
        return count;
    }

    /**
     * Marks the choices from {@code start} to here as one element of a container, which shrinking may
     * delete or simplify as a whole.
     */
    void endSpan(int start) {
        if (count > start) {
            if (spanCount + 2 > spans.length) {
                spans = Arrays.copyOf(spans, spans.length * 2);
            }
            spans[spanCount++] = start;
            spans[spanCount++] = count;
        }
    }

    /** The recorded element spans, as start and end pairs. */
    int[] spans() {
        return Arrays.copyOf(spans, spanCount);
    }

    /** The choices made so far. */
    long[] choices() {
        return Arrays.copyOf(made, count);
    }

    /** Thrown to skip a try: an unmet assumption, or a generator that made too many choices. */
    public static final class Discard extends RuntimeException {
        Discard(String why) {
            super(why, null, false, false);
        }
    }
}

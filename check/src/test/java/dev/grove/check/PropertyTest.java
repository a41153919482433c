package dev.grove.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine runs what it says, reproduces runs from a seed, and shrinks failures to the simplest input. */
class PropertyTest {

    @Test
    void aPassingPropertyRunsEveryTry() {
        AtomicInteger runs = new AtomicInteger();
        Property.Summary s = Property.forAll(Gens.ints()).tries(137).check(x -> runs.incrementAndGet());
        assertEquals(137, s.passed());
        assertEquals(137, runs.get());
        assertEquals("aPassingPropertyRunsEveryTry", s.name());
    }

    @Test
    void aSeedReplaysTheSameValues() {
        Gen<Object> gen = s -> List.of(Gens.strings(10).generate(s), Gens.doubles().list(0, 5).generate(s));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Property.forAll(gen).seed(42).tries(50).check(v -> first.add(Describe.of(v)));
        Property.forAll(gen).seed(42).tries(50).check(v -> second.add(Describe.of(v)));
        assertEquals(first, second);
        assertTrue(new HashSet<>(first).size() > 25, "values vary: " + first);
    }

    @Test
    void aLargeElementShrinksToTheSmallestOneAlone() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.ints().list(0, 30))
                .seed(7).tries(500).check(l -> l.forEach(x -> {
                    if (x >= 1000) {
                        throw new AssertionError("too large: " + x);
                    }
                })));
        assertEquals(List.of(1000), f.counterexample(), f.getMessage());
        assertTrue(f.getMessage().startsWith("aLargeElementShrinksToTheSmallestOneAlone failed"), f.getMessage());
        assertTrue(f.getMessage().contains("seed=7"), f.getMessage());
        assertTrue(f.getMessage().contains("shrunk counterexample") && f.getMessage().contains("[1000]"), f.getMessage());
        assertTrue(f.getCause().getMessage().contains("too large: 1000"), f.getCause().toString());
    }

    @Test
    void aSurrogateShrinksToOneCodePoint() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.strings(40))
                .tries(2000).check(s -> assertTrue(s.chars().noneMatch(c -> Character.isSurrogate((char) c)), "surrogate")));
        String shrunk = (String) f.counterexample();
        assertEquals(1, shrunk.codePointCount(0, shrunk.length()), f.getMessage());
        assertTrue(Character.isSurrogate(shrunk.charAt(0)), f.getMessage());
    }

    @Test
    void nanIsFoundAndReportedWithItsBits() {
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.doubles()).tries(1000)
                .check(d -> assertTrue(d.doubleValue() == d.doubleValue(), "d == d")));
        assertTrue(Double.isNaN((Double) f.counterexample()), f.getMessage());
        assertTrue(f.getMessage().contains("NaN(0x"), f.getMessage());
    }

    @Test
    void onlyTheSameKindOfFailureCountsWhileShrinking() {
        // Lists of 3 or more fail with an AssertionError; shrinking must not slip to the empty list's other failure.
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.ints().list(0, 10))
                .seed(3).tries(500).check(l -> {
                    if (l.isEmpty()) {
                        throw new IllegalStateException("a different bug");
                    }
                    assertTrue(l.size() < 3, "three or more");
                }));
        assertEquals(List.of(0, 0, 0), f.counterexample(), f.getMessage());
        assertTrue(f.getCause() instanceof AssertionError, f.getCause().toString());
    }

    /** A failure that does not follow from the input (every 7th run fails) is replayed and called intermittent. */
    @Test
    void aFailureThatTheSameInputDoesNotRepeatIsReportedAsIntermittent() {
        AtomicInteger runs = new AtomicInteger();
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.ints()).tries(100)
                .check(x -> assertTrue(runs.incrementAndGet() % 7 != 0, "run " + runs.get())));
        assertTrue(f.getMessage().contains("failed on try 7, intermittently: the same input passed 3 of 3 replays"),
                f.getMessage());
        assertEquals(10, runs.get(), "the failing run and three replays, no shrinking");
        // A failure the input decides is replayed too, fails each time, and is shrunk as before.
        PropertyFailure real = assertThrows(PropertyFailure.class, () -> Property.forAll(Gens.ints()).tries(100)
                .check(x -> assertTrue(x < 1000, "small")));
        assertEquals(1000, real.counterexample(), real.getMessage());
    }

    /** Lone surrogates and control characters in a value's text, or in a failure's message, are escaped. */
    @Test
    void reportsEscapeWhatAConsoleCannotCarry() {
        Object odd = new Object() {
            @Override
            public String toString() {
                return "x\ud800\u0001y\ud83d\ude00";
            }
        };
        assertEquals("x\\ud800\\u0001y\ud83d\ude00", Describe.of(odd), "a surrogate pair stays");
        PropertyFailure f = assertThrows(PropertyFailure.class, () -> Property.forAll(s -> odd).tries(1)
                .check(v -> {
                    throw new IllegalStateException("bad " + v);
                }));
        assertTrue(f.getMessage().contains("bad x\\ud800\\u0001y"), f.getMessage());
        assertTrue(f.getCause().toString().startsWith("java.lang.IllegalStateException (message escaped): bad x\\ud800"),
                f.getCause().toString());
    }

    @Test
    void aPropertyThatDiscardsEverythingFails() {
        PropertyFailure f = assertThrows(PropertyFailure.class,
                () -> Property.forAll(Gens.ints()).tries(10).check(x -> Property.assume(false)));
        assertTrue(f.getMessage().contains("discarded"), f.getMessage());
    }

    @Test
    void generatorsStayInTheirBoundsAndReachTheirEdges() {
        Set<Object> seen = new HashSet<>();
        Property.forAll(s -> List.of(Gens.ints(-3, 40).generate(s), Gens.doubles().generate(s),
                        Gens.ints().generate(s), Gens.strings(6).generate(s), Gens.longLetters(5, 9).generate(s),
                        Gens.arrays(short[].class, Gens.shorts(), 2, 4).generate(s)))
                .tries(3000).check(v -> {
                    int small = (Integer) v.get(0);
                    assertTrue(small >= -3 && small <= 40, "in range: " + small);
                    seen.add(small);
                    double d = (Double) v.get(1);
                    seen.add(Double.isNaN(d) ? "NaN" : Double.doubleToRawLongBits(d) == Double.doubleToRawLongBits(-0.0) ? "-0.0" : d);
                    seen.add(v.get(2));
                    String s = (String) v.get(3);
                    assertTrue(s.length() <= 6, s);
                    if (s.codePoints().anyMatch(Character::isSupplementaryCodePoint)) {
                        seen.add("supplementary");
                    }
                    if (s.codePoints().anyMatch(c -> c >= 0xd800 && c <= 0xdfff)) {
                        seen.add("lone surrogate");
                    }
                    int letters = ((String) v.get(4)).length();
                    assertTrue(letters >= 5 && letters <= 9, "letters: " + letters);
                    int n = ((short[]) v.get(5)).length;
                    assertTrue(n >= 2 && n <= 4, "array length: " + n);
                });
        for (Object edge : List.of(-3, 0, 40, "NaN", "-0.0", Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Integer.MIN_VALUE, Integer.MAX_VALUE, "supplementary", "lone surrogate")) {
            assertTrue(seen.contains(edge), "generated at least once: " + edge);
        }
    }
}

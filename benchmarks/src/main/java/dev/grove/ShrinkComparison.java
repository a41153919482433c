package dev.grove;

import dev.grove.check.Gens;
import dev.grove.check.Property;
import dev.grove.check.PropertyFailure;

import java.util.List;
import java.util.function.Predicate;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * The same failing properties under QuickTheories and under grove-check, five runs each with fresh seeds:
 * what each engine shrinks the failure to. Run with {@code bin/bench --class dev.grove.ShrinkComparison}.
 */
public final class ShrinkComparison {
    private ShrinkComparison() {
    }

    public static void main(String[] args) {
        Predicate<List<Integer>> allBelow1000 = l -> l.stream().allMatch(x -> x < 1000);
        Predicate<List<Integer>> sumAtMost100 = l -> l.stream().mapToLong(x -> x).sum() <= 100;
        Predicate<String> noSurrogate = s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c));
        for (int run = 1; run <= 5; run++) {
            System.out.println("run " + run);
            report("ints, one >= 1000", quickTheories(() -> qt().withExamples(500)
                            .forAll(lists().of(integers().all()).ofSizeBetween(0, 30)).check(allBelow1000::test)),
                    grove(() -> Property.forAll(Gens.ints().list(0, 30)).tries(500).check(l -> expect(allBelow1000.test(l)))));
            report("ints 0..1000, sum > 100", quickTheories(() -> qt().withExamples(500)
                            .forAll(lists().of(integers().between(0, 1000)).ofSizeBetween(0, 30)).check(sumAtMost100::test)),
                    grove(() -> Property.forAll(Gens.ints(0, 1000).list(0, 30)).tries(500).check(l -> expect(sumAtMost100.test(l)))));
            report("string with a surrogate", quickTheories(() -> qt().withExamples(2000)
                            .forAll(strings().allPossible().ofLengthBetween(0, 40)).check(noSurrogate::test)),
                    grove(() -> Property.forAll(Gens.strings(40)).tries(2000).check(s -> expect(noSurrogate.test(s)))));
        }
    }

    private static void expect(boolean ok) {
        if (!ok) {
            throw new AssertionError("property does not hold");
        }
    }

    private static String quickTheories(Runnable property) {
        try {
            property.run();
            return "passed (no failure found)";
        } catch (AssertionError e) {
            String[] lines = e.getMessage().split("\n");
            for (int i = 0; i < lines.length - 1; i++) {
                if (lines[i].contains("Smallest found falsifying value")) {
                    return escape(lines[i + 1].trim());
                }
            }
            return escape(e.getMessage());
        }
    }

    private static String grove(Runnable property) {
        try {
            property.run();
            return "passed (no failure found)";
        } catch (PropertyFailure e) {
            return escape(String.valueOf(e.counterexample()));
        }
    }

    private static void report(String property, String quickTheories, String grove) {
        System.out.printf("  %-26s QuickTheories: %-40s grove-check: %s%n", property, quickTheories, grove);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }
}

/**
 * A small property-based testing engine with integrated shrinking, used by Grove's own tests and by the
 * conformance kit, with no dependency of its own and no tie to a test framework: a property is a method
 * call that returns or throws an {@link java.lang.AssertionError}.
 *
 * <p>{@link dev.grove.check.Gen generators} draw every random decision from a {@link dev.grove.check.Source}
 * that records them; {@link dev.grove.check.Property#check} runs a check on fresh values and, on a failure,
 * shrinks by replaying edited records (the approach of Hypothesis), so generators combined with
 * {@code map}, {@code flatMap} and lambdas shrink without any code of their own.
 *
 * <p>Threads: generators are stateless and may be shared; a {@code Source} and a {@code Property} belong
 * to the thread that runs the check. The engine holds no resources.
 */
package dev.grove.check;

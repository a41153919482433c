/**
 * memshare's {@code memApply} / {@code memLapply} for the JVM: {@link dev.grove.parallel.Parallel} applies a
 * serializable function to every row or column of a shared matrix, or every element of a shared list, on
 * {@link dev.grove.parallel.Workers}: threads of this JVM, or a {@link dev.grove.parallel.WorkerPool} of worker
 * JVMs that map the same regions and receive only references.
 *
 * <p>Threads: {@code Parallel}'s static methods and every {@code Workers} are thread-safe; one call at a time
 * runs on a given {@code Workers} (others wait). A {@link dev.grove.parallel.Job} is a builder for one thread.
 * The function runs on the workers' threads, in any order and concurrently with itself; it must not write to
 * what other calls read. Progress listeners are called from Grove's threads.
 *
 * <p>Lifetime: what a call shares (data, variables) is closed when the call ends, however it ends; the views
 * handed to the function ({@link dev.grove.parallel.Slice}, list elements, {@link dev.grove.parallel.Vars})
 * are valid during the call only (a {@code Slice} may be read from other threads meanwhile). A thread that
 * runs column calls on a double matrix keeps a block of gathered columns, at most 8 MB, from call to call.
 * A worker pool lives until {@code close()}; its JVMs also exit on their own when this JVM exits.
 */
package dev.grove.parallel;

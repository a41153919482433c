package dev.grove.parallel;

import java.util.List;
import java.util.Map;

/**
 * memshare's {@code memApply} and {@code memLapply} for the JVM: apply a function to every row or column of a
 * shared matrix, or to every element of a shared list, on threads of this JVM (the default, one per core) or
 * on a pool of worker JVMs ({@link WorkerPool}), which all read the same physical memory.
 *
 * <pre>{@code
 * List<Double> r = Parallel.memApply(x, Margin.COLUMNS,
 *         (col, vars) -> correlation(col, vars.get("y")), Map.of("y", y));
 * try (WorkerPool pool = WorkerPool.start(2)) {
 *     List<Double> same = Parallel.on(pool).progress(ProgressListener.bar(System.err))
 *             .memApply(x, Margin.COLUMNS, (col, vars) -> correlation(col, vars.get("y")), Map.of("y", y));
 * }
 * }</pre>
 *
 * <p>The data and each variable are shared once per call (unless they are views already) and closed after
 * it; the function travels once per call. Results come back in order. See {@link Job} for the options:
 * progress, a result array written in place, asynchronous calls that can be cancelled.
 */
public final class Parallel {
    private static volatile Workers defaultWorkers;

    private Parallel() {
    }

    /**
     * Applies {@code fn} to every row ({@link Margin#ROWS}) or column of {@code matrix} on this JVM's threads;
     * see {@link Job#memApply}.
     */
    public static <R> List<R> memApply(Object matrix, Margin margin, SerializableBiFunction<Slice, Vars, R> fn,
                                       Map<String, ?> vars) {
        return on(threads()).memApply(matrix, margin, fn, vars);
    }

    /** As {@link #memApply(Object, Margin, SerializableBiFunction, Map)}, for a function that needs no variables. */
    public static <R> List<R> memApply(Object matrix, Margin margin, SerializableFunction<Slice, R> fn) {
        return on(threads()).memApply(matrix, margin, fn);
    }

    /** As {@link #memLapply(List, SerializableBiFunction, Map)}, for a function that needs no variables. */
    public static <R> List<R> memLapply(List<?> list, SerializableFunction<Object, R> fn) {
        return on(threads()).memLapply(list, fn);
    }

    /** Applies {@code fn} to every element of {@code list} on this JVM's threads; see {@link Job#memLapply}. */
    public static <R> List<R> memLapply(List<?> list, SerializableBiFunction<Object, Vars, R> fn, Map<String, ?> vars) {
        return on(threads()).memLapply(list, fn, vars);
    }

    /** Calls on {@code workers}, with options. */
    public static Job on(Workers workers) {
        return new Job(workers);
    }

    /** The default workers: one thread per core, started on first use. */
    private static Workers threads() {
        Workers w = defaultWorkers;
        if (w == null) {
            synchronized (Parallel.class) {
                if (defaultWorkers == null) {
                    defaultWorkers = Workers.threads(Runtime.getRuntime().availableProcessors());
                }
                w = defaultWorkers;
            }
        }
        return w;
    }
}

package dev.grove.parallel;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.SharedList;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parallel calls on chosen {@link Workers}, with options; made by {@link Parallel#on(Workers)}. Options apply to
 * the calls made after them. Not thread-safe (make one per thread); the calls themselves may be made from any
 * thread.
 */
public final class Job {
    private static final AtomicLong IDS = new AtomicLong();

    private final Workers workers;
    private ProgressListener progress;
    private int chunk;

    Job(Workers workers) {
        this.workers = workers;
    }

    /** Reports progress to {@code listener} after every chunk ({@link ProgressListener#bar} draws a bar). */
    public Job progress(ProgressListener listener) {
        this.progress = listener;
        return this;
    }

    /**
     * Hands out exactly {@code elements} per chunk instead of the adaptive default (chunks of a share of
     * what is left); 1 sends every element on its own.
     */
    public Job chunkSize(int elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("chunk size at least 1: chunk=" + elements);
        }
        this.chunk = elements;
        return this;
    }

    // ---------------------------------------------------------------- memApply

    /**
     * Applies {@code fn} to every row or column of {@code matrix}, exactly {@code rows} or {@code cols} calls.
     *
     * @param matrix a {@link SharedMatrix} or anything {@link Grove#share} turns into one ({@code double[][]}, ...)
     * @param vars   extra named values, shared once, handed to every call as views ({@link Vars})
     * @return the results, in row (or column) order
     * @throws ParallelException if a call failed (the first failure; the rest is cancelled)
     */
    public <R> List<R> memApply(Object matrix, Margin margin, SerializableBiFunction<Slice, Vars, R> fn,
                                Map<String, ?> vars) {
        return await(memApplyAsync(matrix, margin, fn, vars));
    }

    /** As {@link #memApply}, for a function that needs no variables. */
    public <R> List<R> memApply(Object matrix, Margin margin, SerializableFunction<Slice, R> fn) {
        return memApply(matrix, margin, (SerializableBiFunction<Slice, Vars, R>) (x, vars) -> fn.apply(x), Map.of());
    }

    /** As {@link #memApply}, returning at once; {@code cancel} on the future stops the workers' current chunks. */
    public <R> CompletableFuture<List<R>> memApplyAsync(Object matrix, Margin margin,
                                                       SerializableBiFunction<Slice, Vars, R> fn, Map<String, ?> vars) {
        return start(kindOf(margin), matrix, true, erase(fn), vars, null);
    }

    /**
     * As {@link #memApply}, but each call's result (a number) is written at its index into {@code result}, a
     * writable shared array of {@code double}, {@code long}, {@code int} or {@code float} with one element per
     * call: no result travels back. Seal {@code result} afterwards.
     */
    public void memApplyInto(Object matrix, Margin margin, SerializableBiFunction<Slice, Vars, ? extends Number> fn,
                             Map<String, ?> vars, ArrayWriter<?> result) {
        await(start(kindOf(margin), matrix, true, erase(fn), vars, result));
    }

    // ---------------------------------------------------------------- memLapply

    /**
     * Applies {@code fn} to every element of {@code list}: a {@link SharedList}, or a {@code List} shared for the
     * call (its elements then reach {@code fn} as views: a {@code double[][]} element as a {@link SharedMatrix}).
     *
     * @return the results, in list order
     * @throws ParallelException if a call failed
     */
    public <R> List<R> memLapply(List<?> list, SerializableBiFunction<Object, Vars, R> fn, Map<String, ?> vars) {
        return await(memLapplyAsync(list, fn, vars));
    }

    /** As {@link #memLapply}, for a function that needs no variables. */
    public <R> List<R> memLapply(List<?> list, SerializableFunction<Object, R> fn) {
        return memLapply(list, (SerializableBiFunction<Object, Vars, R>) (x, vars) -> fn.apply(x), Map.of());
    }

    /** As {@link #memLapply}, returning at once. */
    public <R> CompletableFuture<List<R>> memLapplyAsync(List<?> list, SerializableBiFunction<Object, Vars, R> fn,
                                                        Map<String, ?> vars) {
        return start(Task.Kind.ELEMENTS, list, false, erase(fn), vars, null);
    }

    /** As {@link #memApplyInto}, over the elements of a list. */
    public void memLapplyInto(List<?> list, SerializableBiFunction<Object, Vars, ? extends Number> fn,
                              Map<String, ?> vars, ArrayWriter<?> result) {
        await(start(Task.Kind.ELEMENTS, list, false, erase(fn), vars, result));
    }

    // ---------------------------------------------------------------- the call

    private static Task.Kind kindOf(Margin m) {
        return m == Margin.ROWS ? Task.Kind.ROWS : Task.Kind.COLUMNS;
    }

    @SuppressWarnings("unchecked")
    private static SerializableBiFunction<Object, Vars, Object> erase(SerializableBiFunction<?, Vars, ?> fn) {
        return (SerializableBiFunction<Object, Vars, Object>) (SerializableBiFunction<?, ?, ?>) fn;
    }

    /**
     * Shares what needs sharing, runs the call on the workers from a thread of its own, and closes what it
     * shared when the call ends, however it ends.
     */
    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<List<R>> start(Task.Kind kind, Object data, boolean matrix,
                                                 SerializableBiFunction<Object, Vars, Object> fn, Map<String, ?> vars,
                                                 ArrayWriter<?> result) {
        if (ThreadWorkers.runningOn(workers)) {
            // The inner call would wait for the outer one, which waits for it.
            throw new ParallelException("a parallel call from inside a call on the same workers (use other Workers"
                    + " for the inner call): workers=" + workers, -1, null);
        }
        List<SharedObject> made = new ArrayList<>();
        try {
            SharedObject shared = shareIfNeeded(data, made);
            if (matrix ? !(shared instanceof SharedMatrix) : !(shared instanceof SharedList<?>)) {
                throw new IllegalArgumentException((matrix ? "memApply needs a matrix" : "memLapply needs a list")
                        + ": got=" + shared.getClass().getSimpleName() + " path=" + shared.path());
            }
            Map<String, SharedObject> views = new LinkedHashMap<>();
            Map<String, SharedRef> refs = new LinkedHashMap<>();
            for (Map.Entry<String, ?> e : vars.entrySet()) {
                SharedObject v = shareIfNeeded(e.getValue(), made);
                views.put(e.getKey(), v);
                if (!workers.inProcess()) {
                    refs.put(e.getKey(), v.ref());
                }
            }
            SharedRef resultRef = null;
            Class<? extends SharedObject> resultClass = null;
            if (result != null && !workers.inProcess()) {
                resultRef = result.writableRef();
                resultClass = ResultViews.classOf(result.elementType());
            }
            Task task = new Task(IDS.incrementAndGet(), kind, workers.inProcess() ? null : shared.ref(), refs, fn,
                    resultRef, resultClass);
            TaskContext local = workers.inProcess() ? new TaskContext(kind, fn, shared, new Vars(views),
                    result == null ? null : result.segment(), result == null ? null : result.elementType()) : null;
            long n = switch (kind) {
                case ROWS -> ((SharedMatrix) shared).rows();
                case COLUMNS -> ((SharedMatrix) shared).cols();
                case ELEMENTS -> ((SharedList<?>) shared).size();
            };
            if (result != null && result.length() != n) {
                throw new IllegalArgumentException("result array length differs from the number of calls: length="
                        + result.length() + " calls=" + n);
            }
            int grain = kind == Task.Kind.COLUMNS ? TaskContext.ColumnBlock.width((SharedMatrix) shared) : 1;
            Run run = new Run(task, local, n, Math.max(1, workers.size()), chunk, grain, progress);
            // What the caller gets completes only once the workers have let go of the call (and so of a result
            // array, which the caller may then seal); cancelling it cancels the run.
            CompletableFuture<List<R>> outer = new CompletableFuture<>() {
                @Override
                public boolean cancel(boolean mayInterrupt) {
                    run.cancel();
                    return super.cancel(mayInterrupt);
                }
            };
            Thread t = new Thread(() -> {
                try {
                    if (!run.finished()) {
                        workers.execute(run);
                    }
                } catch (Throwable e) {
                    run.fail(e instanceof ParallelException pe ? pe : new ParallelException("call failed: error=" + e, -1, e));
                } finally {
                    made.forEach(SharedObject::close);
                    run.future().whenComplete((r, e) -> {
                        if (e != null) {
                            outer.completeExceptionally(e);
                        } else {
                            outer.complete((List<R>) (List<?>) r);
                        }
                    });
                }
            }, "grove-parallel-call-" + task.id());
            t.setDaemon(true);
            t.start();
            return outer;
        } catch (RuntimeException | Error e) {
            made.forEach(SharedObject::close);
            throw e;
        }
    }

    private static SharedObject shareIfNeeded(Object value, List<SharedObject> made) {
        if (value instanceof SharedObject v) {
            return v;
        }
        SharedObject v = Grove.share(value);
        made.add(v);
        return v;
    }

    private static <R> R await(CompletableFuture<R> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ParallelException("call interrupted and cancelled", -1, e);
        } catch (CancellationException e) {
            throw new ParallelException("call cancelled", -1, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParallelException pe) {
                throw pe;
            }
            throw new ParallelException("call failed: error=" + e.getCause(), -1, e.getCause());
        }
    }
}

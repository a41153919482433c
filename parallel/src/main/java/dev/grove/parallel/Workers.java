package dev.grove.parallel;

/**
 * Where parallel calls run: threads of this JVM ({@link #threads(int)}, the default), or a pool of worker JVMs
 * ({@link WorkerPool#start(int)}), memshare's cluster. Both take the same calls with the same results; a pool
 * receives the data only as references. One call at a time runs on a given {@code Workers}; further calls
 * wait their turn.
 */
public abstract sealed class Workers implements AutoCloseable permits ThreadWorkers, WorkerPool {
    Workers() {
    }

    /** {@code n} threads of this JVM (daemon threads, started now). */
    public static Workers threads(int n) {
        return new ThreadWorkers(n);
    }

    /** How many calls of the function may run at once. */
    public abstract int size();

    /** Stops the workers. Idempotent. */
    @Override
    public abstract void close();

    /** Runs {@code run} to its end (the future completes), on these workers. */
    abstract void execute(Run run);

    /** Whether the function runs in this JVM (so the caller's views serve it directly). */
    abstract boolean inProcess();
}

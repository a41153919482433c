package dev.grove.integrations;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** A callable that a Hazelcast executor runs on another member: checks and sums the values it carries. */
public final class SumTask implements Callable<String>, Serializable {
    private final Object values;
    private final int n;
    private final int seed;

    public SumTask(Object values, int n, int seed) {
        this.values = values;
        this.n = n;
        this.seed = seed;
    }

    @Override
    public String call() {
        String bad = ProcStats.mismatch(values, n, seed);
        if (values instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return bad == null ? "ok" : "bad " + bad;
    }
}

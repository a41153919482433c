package dev.grove.parallel;

import dev.grove.Grove;
import dev.grove.SharedMatrix;

import java.util.Map;

/** Runs {@code n} one-element chunks, one at a time per worker, of a function that does nothing on a pool and returns the run, with its timings. */
final class LatencyProbe {
    private LatencyProbe() {
    }

    static Run run(WorkerPool pool, int n) {
        try (SharedMatrix m = Grove.share(new double[n][1])) {
            SerializableBiFunction<Object, Vars, Object> nothing = (x, vars) -> null;
            Task t = new Task(-n, Task.Kind.ROWS, m.ref(), Map.of(), nothing, null, null);
            Run run = new Run(t, null, n, pool.size(), 1, 1, null);
            pool.inFlightLimit = 1; // one chunk at a time: each timing is a whole round trip, no queueing
            try {
                pool.execute(run);
            } finally {
                pool.inFlightLimit = 2;
            }
            run.future().join();
            return run;
        }
    }
}

package dev.grove.parallel;

import dev.grove.SharedRef;

import java.io.Serializable;
import java.util.Map;

/**
 * One parallel call as a worker JVM receives it, once per call: what to apply to, by reference only (the
 * data, the variables, the optional writable result array), and the function.
 */
record Task(long id, Kind kind, SharedRef data, Map<String, SharedRef> vars,
            SerializableBiFunction<Object, Vars, Object> fn, SharedRef result,
            Class<? extends dev.grove.SharedObject> resultClass) implements Serializable {

    enum Kind { ROWS, COLUMNS, ELEMENTS }

    // ------------------------------------------------------------ messages between parent and worker JVMs

    /** Parent to worker: run elements {@code [from, to)} of task {@code task}. */
    record Chunk(long task, long from, long to) implements Serializable {
    }

    /** Parent to worker: stop task {@code task}'s work. */
    record Cancel(long task) implements Serializable {
    }

    /** Parent to worker: task {@code task} is over; let go of its views. */
    record Done(long task) implements Serializable {
    }

    /** Worker to parent: it let go of task {@code task}'s views (after {@link Done}). */
    record DoneAck(long task) implements Serializable {
    }

    /** Worker to parent, once at start: ready. */
    record Hello(long pid) implements Serializable {
    }

    /** Worker to parent: a chunk finished; its results in order, or null if they went to the result array. */
    record ChunkDone(long task, long from, long to, java.util.List<Object> results) implements Serializable {
    }

    /** Worker to parent: the function failed at element {@code index}. */
    record ChunkFailed(long task, long from, long index, RemoteFailure error) implements Serializable {
    }
}

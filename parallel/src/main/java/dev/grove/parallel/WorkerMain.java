package dev.grove.parallel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;

/**
 * The entry point of a worker JVM that {@link WorkerPool} starts; not for direct use. It reads tasks and
 * chunks from its standard input and answers on its standard output (java.io object streams over the pipes
 * its parent made, so only its parent talks to it); what the function prints to {@code System.out} goes to
 * standard error instead. It exits when its standard input closes or its parent process ends, however the
 * parent ended.
 */
public final class WorkerMain {
    private final DataOutputStream out;
    private final Map<Long, TaskContext> tasks = new ConcurrentHashMap<>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    /** Chunks run one at a time, in the order they arrived, after their task's views are mapped. */
    /** How long a finished call's views stay mapped for a next call on the same data. */
    private static final long LINGER_MILLIS = 2_000;
    /**
     * The last finished call's views: kept mapped until the next call has mapped its own (the same regions are
     * then a table lookup instead of a new mapping whose pages all fault again) or until they idle for
     * {@link #LINGER_MILLIS}. Only touched on the runner thread.
     */
    private TaskContext lingering;
    private long lingerGeneration;
    private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grove-worker");
        t.setDaemon(true);
        return t;
    });

    private WorkerMain(DataOutputStream out) {
        this.out = out;
    }

    /**
     * Runs the worker: greets its parent with its pid, then serves tasks from standard input until that closes
     * (then it exits) or the parent process ends (then it halts). Started by {@link WorkerPool}.
     */
    public static void main(String[] args) throws Exception {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err); // the function's prints must not corrupt the protocol
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        WorkerMain w = new WorkerMain(out);
        w.send(new Task.Hello(ProcessHandle.current().pid()));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(System.in))) {
            for (;;) {
                w.dispatch(Wire.read(in));
            }
        } catch (EOFException e) {
            // the parent closed the pipe: the pool is closing, or the parent died
        }
        System.exit(0);
    }

    private void dispatch(Object msg) {
        switch (msg) {
            case Task t -> runner.execute(() -> {
                try {
                    tasks.put(t.id(), TaskContext.mapped(t));
                } catch (RuntimeException | Error e) {
                    send(new Task.ChunkFailed(t.id(), -1, -1, RemoteFailure.of(e)));
                }
                dropLingering();
            });
            case Task.Chunk c -> runner.execute(() -> run(c));
            case Task.Cancel c -> cancelled.add(c.task()); // checked between elements; cleared at Done
            case Task.Done d -> runner.execute(() -> {
                TaskContext ctx = tasks.remove(d.task());
                if (ctx != null) {
                    ctx.closeResult();
                    dropLingering();
                    lingering = ctx;
                    long generation = ++lingerGeneration;
                    runner.schedule(() -> {
                        if (lingerGeneration == generation) {
                            dropLingering();
                        }
                    }, LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                cancelled.remove(d.task());
                send(new Task.DoneAck(d.task()));
            });
            default -> throw new IllegalStateException("unknown message: " + msg.getClass().getName());
        }
    }

    private void dropLingering() {
        if (lingering != null) {
            lingering.close();
            lingering = null;
        }
    }

    private void run(Task.Chunk c) {
        if (cancelled.contains(c.task())) {
            return;
        }
        TaskContext ctx = tasks.get(c.task());
        if (ctx == null) {
            // Its task failed to map (reported already) or never came: answer, so that the call cannot hang.
            send(new Task.ChunkFailed(c.task(), c.from(), -1,
                    RemoteFailure.of(new IllegalStateException("no such task in this worker: task=" + c.task()))));
            return;
        }
        List<Object> results = ctx.writesResults() ? null : new ArrayList<>((int) (c.to() - c.from()));
        for (long i = c.from(); i < c.to(); i++) {
            if (cancelled.contains(c.task())) {
                return;
            }
            try {
                Object r = ctx.run(i, c.to());
                if (results != null) {
                    results.add(r);
                }
            } catch (Throwable t) {
                send(new Task.ChunkFailed(c.task(), c.from(), i, RemoteFailure.of(t)));
                return;
            }
        }
        send(new Task.ChunkDone(c.task(), c.from(), c.to(), results));
    }

    private void send(Object msg) {
        byte[] bytes;
        try {
            bytes = Wire.encode(msg);
        } catch (IOException e) {
            // A result that does not serialize: the call fails, naming it, instead of the worker.
            long from = msg instanceof Task.ChunkDone d ? d.from() : -1;
            long task = msg instanceof Task.ChunkDone d ? d.task() : -1;
            send(new Task.ChunkFailed(task, from, -1, RemoteFailure.of(e)));
            return;
        }
        synchronized (out) {
            try {
                Wire.write(out, bytes);
            } catch (IOException e) {
                Runtime.getRuntime().halt(0); // the parent is gone
            }
        }
    }
}

package dev.grove.parallel;

import dev.grove.Namespace;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of worker JVMs (memshare's cluster of worker processes): started once with this JVM's JDK, class
 * path, Grove's system properties and the flags Grove needs, reused by every call, stopped by {@link #close()}.
 * Workers receive data only as references and map it; what they return travels back serialized (or is
 * written into a shared result array). A worker that dies mid-call is replaced and its chunk run again once;
 * workers exit on their own when this JVM exits, however it exits (their standard input closes, and they
 * watch this process).
 */
public final class WorkerPool extends Workers {
    /** How long {@link #start} waits for a worker JVM to be ready. */
    private static final long START_SECONDS = 60;
    /** Chunks a worker holds at once: one running, one waiting, so it never waits for the parent. */
    private static final int IN_FLIGHT = 2;
    /** {@link #IN_FLIGHT}, or 1 to time single round trips. */
    volatile int inFlightLimit = IN_FLIGHT;

    private final List<String> command;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final ReentrantLock oneCall = new ReentrantLock();
    /**
     * The call running now, or null. Guarded by this pool's monitor together with which workers have its task
     * and which still owe the acknowledgement that they let go of it.
     */
    private Run current;
    private final Set<Worker> owingAck = new HashSet<>();
    /** Replacement workers being started now. Guarded by this pool's monitor. */
    private int replacing;
    /** Chunks (by first element) already retried once in the current call. */
    private final Set<Long> retried = new HashSet<>();
    private volatile boolean closed;

    private WorkerPool(List<String> command) {
        this.command = command;
    }

    /** Starts {@code n} worker JVMs and waits until each is ready. */
    public static WorkerPool start(int n) {
        return start(n, List.of());
    }

    /**
     * Starts {@code n} worker JVMs with extra JVM options ({@code -Xmx512m}, say) and waits until each is ready.
     * The options must not make the JVM write to its standard output (its protocol runs there). Each worker
     * sees its share of this machine's processors ({@code -XX:ActiveProcessorCount}: the cores divided by
     * {@code n}, at least 1), which sizes its GC and compiler threads and its common pool; an
     * {@code -XX:ActiveProcessorCount} among the options is used instead.
     *
     * @throws ParallelException if a worker does not start
     */
    public static WorkerPool start(int n, List<String> jvmOptions) {
        if (n < 1) {
            throw new IllegalArgumentException("at least one worker: n=" + n);
        }
        WorkerPool pool = new WorkerPool(command(n, jvmOptions));
        List<Worker> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                started.add(pool.launch());
            }
            for (Worker w : started) {
                w.awaitReady();
                pool.workers.add(w);
            }
            return pool;
        } catch (RuntimeException e) {
            pool.closed = true;
            started.forEach(Worker::stop);
            throw e;
        }
    }

    private static List<String> command(int n, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:ActiveProcessorCount="))) {
            // Each worker is one of n sharing this machine's cores: sized for all of them, every JVM would run
            // as many GC and compiler threads as the machine has cores, n times over (8 workers on 2 cores ran
            // memshare's example 10-15% slower so).
            cmd.add("-XX:ActiveProcessorCount=" + Math.max(1, Runtime.getRuntime().availableProcessors() / n));
        }
        cmd.add("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"); // Fory, if functions use it
        cmd.addAll(Namespace.jvmOptions());
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("grove.")) {
                cmd.add("-D" + k + "=" + v);
            }
        });
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WorkerMain.class.getName());
        return List.copyOf(cmd);
    }

    @Override
    public int size() {
        return workers.size();
    }

    @Override
    boolean inProcess() {
        return false;
    }

    /** The process ids of the live workers. */
    public List<Long> pids() {
        return workers.stream().map(w -> w.process.pid()).toList();
    }

    // ---------------------------------------------------------------- one call

    /**
     * Runs the call: its task to every worker, chunks as they come back. Returns once the call has ended and
     * every live worker has let go of the call's views (so a result array can be sealed at once).
     */
    @Override
    void execute(Run run) {
        oneCall.lock();
        try {
            byte[] task = encode(run.task);
            synchronized (this) {
                // A pool whose last worker just died waits for its replacement rather than failing the call.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
                while (!closed && workers.isEmpty() && replacing > 0 && System.nanoTime() < deadline) {
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (closed || workers.isEmpty()) {
                    run.fail(new ParallelException("worker pool " + (closed ? "closed" : "has no worker left"), -1, null));
                    return;
                }
                retried.clear();
                current = run;
                for (Worker w : workers) {
                    w.send(task);
                    owingAck.add(w);
                }
            }
            run.future().whenComplete((r, e) -> {
                if (e != null) {
                    broadcast(new Task.Cancel(run.task.id()));
                }
            });
            // Round-robin: every worker gets its first chunk before any gets a second (a worker that filled
            // up first would otherwise take work the others wait for).
            for (int round = 0; round < inFlightLimit; round++) {
                for (Worker w : workers) {
                    feedOne(w);
                }
            }
            try {
                run.future().get();
            } catch (InterruptedException e) {
                run.cancel();
                Thread.currentThread().interrupt();
            } catch (ExecutionException | CancellationException e) {
                // the caller reads the outcome from the future
            }
        } finally {
            endCall(run);
            oneCall.unlock();
        }
    }

    /** Tells every worker the call is over and waits (30 s at most) until each live one has let go of it. */
    private void endCall(Run run) {
        byte[] done = encode(new Task.Done(run.task.id()));
        synchronized (this) {
            current = null;
            for (Worker w : workers) {
                synchronized (w.inFlight) {
                    w.inFlight.clear();
                }
                w.send(done);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // (Not once the pool is closing: its workers are being stopped, which lets go of everything.)
            while (!owingAck.isEmpty() && !closed && System.nanoTime() < deadline) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            owingAck.clear();
        }
    }

    /** Gives worker {@code w} chunks until it holds {@link #inFlightLimit}; a dead worker gets none. */
    private void feed(Worker w) {
        while (feedOne(w)) {
            // until it holds enough, or nothing is left
        }
    }

    /** Gives worker {@code w} one more chunk if it holds fewer than {@link #inFlightLimit}; whether it did. */
    private boolean feedOne(Worker w) {
        Run run;
        synchronized (this) {
            run = current;
        }
        if (run == null) {
            return false;
        }
        byte[] msg;
        synchronized (w.inFlight) {
            long[] c;
            if (w.dead || w.inFlight.size() >= inFlightLimit || (c = run.take()) == null) {
                return false;
            }
            w.inFlight.put(c[0], new long[] {c[0], c[1], System.nanoTime()});
            msg = encode(new Task.Chunk(run.task.id(), c[0], c[1]));
        }
        w.send(msg); // if it died meanwhile, its death hands this chunk on
        return true;
    }

    private void onMessage(Worker w, Object msg) {
        Run run;
        synchronized (this) {
            run = current;
            if (msg instanceof Task.DoneAck) {
                owingAck.remove(w);
                notifyAll();
                return;
            }
        }
        switch (msg) {
            case Task.ChunkDone d when run != null && d.task() == run.task.id() -> {
                long[] c;
                synchronized (w.inFlight) {
                    c = w.inFlight.remove(d.from());
                }
                if (c == null) {
                    return; // not a chunk this worker holds: never count anything twice
                }
                synchronized (run.roundTrips) {
                    run.roundTrips.add(System.nanoTime() - c[2]);
                }
                run.chunkDone(d.from(), d.to(), d.results());
                feed(w);
            }
            case Task.ChunkFailed f when run != null && f.task() == run.task.id() -> run.fail(new ParallelException(
                    (f.index() < 0 ? "worker could not run the call" : "function failed in worker JVM")
                            + ": index=" + f.index() + " chunk.from=" + f.from() + " pid=" + w.process.pid()
                            + " error=" + f.error().getMessage(), f.index(), f.error()));
            default -> {
                // a late answer for a call that already ended
            }
        }
    }

    /** A worker's pipe closed: it died. Its chunks go to others once; a replacement is started. */
    private void onDeath(Worker w) {
        List<long[]> lost;
        synchronized (w.inFlight) {
            w.dead = true;
            lost = new ArrayList<>(w.inFlight.values());
            w.inFlight.clear();
        }
        Run run;
        synchronized (this) {
            boolean member = workers.remove(w);
            owingAck.remove(w);
            notifyAll();
            if (closed || !member) {
                return;
            }
            run = current;
            replacing++;
        }
        if (run != null && !run.finished()) {
            for (long[] c : lost) {
                boolean again;
                synchronized (retried) {
                    again = !retried.add(c[0]);
                }
                if (again) {
                    run.fail(new ParallelException("a worker JVM died twice running the same chunk: from=" + c[0]
                            + " to=" + c[1] + " pid=" + w.process.pid(), c[0], null));
                    break;
                }
                run.retry(new long[] {c[0], c[1]});
            }
            for (Worker other : workers) {
                feed(other);
            }
        }
        Thread replacer = new Thread(() -> replace(w), "grove-worker-replacer");
        replacer.setDaemon(true);
        replacer.start();
    }

    /** Starts a worker in place of {@code dead}, gives it the running call's task, then chunks. */
    private void replace(Worker dead) {
        Worker w;
        try {
            w = launch();
            w.awaitReady();
        } catch (RuntimeException e) {
            System.getLogger("dev.grove.parallel").log(System.Logger.Level.WARNING,
                    "could not replace worker pid=" + dead.process.pid(), e);
            synchronized (this) {
                replacing--;
                notifyAll();
                if (current != null && workers.isEmpty()) {
                    current.fail(new ParallelException("no worker JVM left: error=" + e, -1, e));
                }
            }
            return;
        }
        synchronized (this) {
            replacing--;
            notifyAll();
            if (closed) {
                w.stop();
                return;
            }
            // The task before any chunk, and membership only once it has it.
            if (current != null && !current.finished()) {
                w.send(encode(current.task));
                owingAck.add(w);
            }
            workers.add(w);
        }
        feed(w);
    }

    private void broadcast(Object msg) {
        byte[] bytes = encode(msg);
        for (Worker w : workers) {
            w.send(bytes);
        }
    }

    private static byte[] encode(Object msg) {
        try {
            return Wire.encode(msg);
        } catch (IOException e) {
            throw new ParallelException("cannot send to worker JVMs (does the function and what it captures "
                    + "serialize?): error=" + e, -1, e);
        }
    }

    // ---------------------------------------------------------------- workers

    private Worker launch() {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Worker(p);
        } catch (IOException e) {
            throw new ParallelException("cannot start a worker JVM: command=" + command.getFirst() + " error=" + e, -1, e);
        }
    }

    /**
     * Stops every worker: closes their input (they exit), then kills what is left after 5 s. A call still
     * running fails with {@link ParallelException}.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (current != null) {
                current.fail(new ParallelException("worker pool closed during the call", -1, null));
            }
        }
        for (Worker w : workers) {
            w.stop();
        }
        workers.clear();
    }

    @Override
    public String toString() {
        return workers.size() + " worker JVMs " + pids();
    }

    private final class Worker {
        final Process process;
        final DataOutputStream out;
        /** Chunks sent and not answered, by first element: {from, to, sent at (nanoTime)}. */
        final Map<Long, long[]> inFlight = new LinkedHashMap<>();
        /** Set once its pipe closed, under {@code inFlight}'s lock: it gets no more chunks. */
        boolean dead;
        private final java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();

        Worker(Process process) {
            this.process = process;
            this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            Thread reader = new Thread(this::read, "grove-worker-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream()))) {
                for (;;) {
                    Object msg = Wire.read(in);
                    if (msg instanceof Task.Hello) {
                        ready.complete(null);
                    } else {
                        onMessage(this, msg);
                    }
                }
            } catch (Throwable e) { // whatever ends this reader ends the worker, or its chunks would never come back
                ready.completeExceptionally(e);
                process.destroyForcibly();
                onDeath(this);
            }
        }

        void awaitReady() {
            try {
                ready.get(START_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                stop();
                throw new ParallelException("worker JVM did not start: pid=" + process.pid() + " error=" + e, -1, e);
            }
        }

        void send(byte[] msg) {
            synchronized (out) {
                try {
                    Wire.write(out, msg);
                } catch (IOException e) {
                    // it died: its reader sees the end of its output and handles the death
                }
            }
        }

        void stop() {
            try {
                out.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

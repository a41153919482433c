package dev.grove.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this JVM's java binary and class path, talking line by line over its stdin and stdout.
 * Every child is bounded in time and killed by pid when closed; none outlives the test that started it.
 * Deadlines given in seconds are raised to at least {@link #MIN_SECONDS}: only a failing test reaches one, and on
 * a loaded machine a fresh JVM can take many seconds to answer.
 */
public final class ChildJvm implements AutoCloseable {
    /** The least time any wait for a child allows. */
    public static final int MIN_SECONDS = 60;
    private static final String EOF = "\u0000EOF";
    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> out = new ArrayBlockingQueue<>(100_000);
    private final StringBuilder err = new StringBuilder();

    private ChildJvm(Process process) {
        this.process = process;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> pump(), "child-" + process.pid() + "-out");
        reader.setDaemon(true);
        reader.start();
        Thread errs = new Thread(() -> {
            try (BufferedReader r = process.errorReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (err) {
                        err.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // The child is gone.
            }
        }, "child-" + process.pid() + "-err");
        errs.setDaemon(true);
        errs.start();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.put(line);
            }
        } catch (IOException | InterruptedException ignored) {
            // The child is gone.
        } finally {
            out.offer(EOF);
        }
    }

    /** The java launcher running this JVM. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Starts {@code mainClass} with this JVM's class path and Grove's system properties. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(List.of(), mainClass, args);
    }

    /** As {@link #start(Class, String...)}, with extra JVM options. */
    public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        for (String p : List.of("grove.store", "grove.lease.seconds", "grove.checksum", "grove.reaper")) {
            String v = System.getProperty(p);
            if (v != null) {
                cmd.add("-D" + p + "=" + v);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM: " + cmd, e);
        }
    }

    /**
     * Starts {@code n} children of {@code mainClass} at once and waits until each has said {@code ready};
     * if any does not, all are killed.
     */
    public static List<ChildJvm> startAll(int n, Class<?> mainClass) {
        return startAll(n, List.of(), mainClass);
    }

    /** As {@link #startAll(int, Class)}, with extra JVM options. */
    public static List<ChildJvm> startAll(int n, List<String> jvmOptions, Class<?> mainClass) {
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                children.add(start(jvmOptions, mainClass));
            }
            for (ChildJvm c : children) {
                c.expect("ready", 60);
            }
            return children;
        } catch (RuntimeException | Error e) {
            children.forEach(ChildJvm::kill);
            throw e;
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Sends one line to the child's stdin. */
    public void send(String line) {
        in.println(line);
    }

    /**
     * The child's next stdout line.
     *
     * @throws AssertionError if none comes within {@code seconds} or the child ended
     */
    public String receive(int seconds) {
        seconds = Math.max(seconds, MIN_SECONDS);
        String line = poll(TimeUnit.SECONDS.toMillis(seconds));
        if (line == null) {
            throw new AssertionError("child " + pid() + " sent nothing within " + seconds + " s; stderr:\n" + stderr());
        }
        return line;
    }

    /**
     * The child's next stdout line if one comes within {@code millis}, else null.
     *
     * @throws AssertionError if the child ended
     */
    public String poll(long millis) {
        try {
            String line = out.poll(millis, TimeUnit.MILLISECONDS);
            if (EOF.equals(line)) {
                out.offer(EOF);
                throw new AssertionError("child " + pid() + " ended (exit " + exitCodeOrAlive() + "); stderr:\n" + stderr());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Reads lines until one starts with {@code prefix}, returning the rest of it. */
    public String expect(String prefix, int seconds) {
        seconds = Math.max(seconds, MIN_SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            String line = receive(left);
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child " + pid() + " never sent " + prefix);
            }
        }
    }

    private String exitCodeOrAlive() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    public String stderr() {
        synchronized (err) {
            return err.toString();
        }
    }

    /** Closes the child's stdin: a {@link Child} then exits normally (shutdown hooks run). */
    public void closeInput() {
        in.close();
    }

    /** Waits for the child to end by itself and returns its exit code; kills it after {@code seconds}. */
    public int waitFor(int seconds) {
        seconds = Math.max(seconds, MIN_SECONDS);
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                kill();
                throw new AssertionError("child " + pid() + " did not end within " + seconds + " s; stderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGKILL, by pid, and wait until the kernel has reaped it (its file locks are gone then). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(MIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) { // a child left running by a failed test
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }
}

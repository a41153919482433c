package dev.grove.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Where a child process is in the operation a kill test aims at, as a 16-byte shared file the child writes and
 * the parent reads: how many operations it has completed and whether it is inside one now. The file is a
 * shared mapping, so what the child wrote before a SIGKILL is still there to read afterwards: the parent
 * learns exactly where each kill landed, instead of hoping that a random delay hit the operation.
 */
public final class Progress implements AutoCloseable {
    private static final long DONE = 0;
    private static final long INSIDE = 8;
    private final Path file;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment words;

    private Progress(Path file) {
        this.file = file;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            this.words = ch.map(FileChannel.MapMode.READ_WRITE, 0, 16, arena);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(e);
        }
    }

    /** A new, zeroed progress file in {@code dir}, for the parent; {@link #path()} is what the child opens. */
    public static Progress create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path f = Files.createTempFile(dir, "progress-", ".bin");
            Files.write(f, new byte[16]);
            return new Progress(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The child's side of a file the parent created. */
    public static Progress open(Path file) {
        return new Progress(file);
    }

    public Path path() {
        return file;
    }

    /** The child is about to start an operation. */
    public void enter() {
        words.set(ValueLayout.JAVA_LONG, INSIDE, 1);
        VarHandle.fullFence();
    }

    /** The child's operation returned. */
    public void leave() {
        VarHandle.fullFence();
        words.set(ValueLayout.JAVA_LONG, DONE, words.get(ValueLayout.JAVA_LONG, DONE) + 1);
        words.set(ValueLayout.JAVA_LONG, INSIDE, 0);
        VarHandle.fullFence();
    }

    /** How many operations the child completed. */
    public long done() {
        VarHandle.fullFence();
        return words.get(ValueLayout.JAVA_LONG, DONE);
    }

    /** Whether the child is (or, once it was killed, was) inside an operation. */
    public boolean inside() {
        VarHandle.fullFence();
        return words.get(ValueLayout.JAVA_LONG, INSIDE) != 0;
    }

    /** Where a kill landed: the operations completed before it, and whether it struck inside one. */
    public record Landing(long done, boolean inside) {
    }

    /**
     * Kills {@code child} (SIGKILL, by pid) at a random point of an operation: waits until it has completed
     * {@code warm} operations (so that it is past its first, slow ones), measures how long the next few take, and
     * kills after a random delay within about one of them. Returns where the kill landed, read after the child
     * is gone.
     */
    public Landing killDuringOperations(ChildJvm child, long warm, Random random) {
        Await.until("child " + child.pid() + " completed " + warm + " operations (has " + done() + ")",
                () -> done() >= warm || !child.isAlive());
        long from = done();
        long start = System.nanoTime();
        Await.until("child " + child.pid() + " completed 3 more operations", () -> done() >= from + 3 || !child.isAlive());
        long opNanos = Math.max(1, (System.nanoTime() - start) / Math.max(1, done() - from));
        long delay = (long) (random.nextDouble() * opNanos);
        long until = System.nanoTime() + delay;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait(); // a spin, not a sleep: the delay is below a scheduler tick
        }
        if (!child.isAlive()) {
            throw new AssertionError("child " + child.pid() + " ended before it was killed; stderr:\n" + child.stderr());
        }
        child.kill();
        return new Landing(done(), inside());
    }

    @Override
    public void close() {
        arena.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

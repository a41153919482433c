package dev.grove;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reading a region on disk that the page cache does not hold, against reading the same file with
 * {@code FileChannel.read} into a reused direct buffer, side by side in one run. The page cache is dropped
 * ({@code echo 3 > /proc/sys/vm/drop_caches}, root only) before every measurement, so each one reads from the
 * disk. Sequential: a sum of every double, through a mapped view without and with {@link Advice#SEQUENTIAL},
 * and through 1 MiB reads. Random: 16 KiB blocks at the same random offsets, through the view (with
 * {@link Advice#RANDOM}) and through {@code FileChannel.read}. Also reports how long building the region took
 * and the JVM's peak resident memory ({@code VmHWM}).
 *
 * <p>Run with {@code bin/bench --class dev.grove.DiskScan [GiB] [DIR]} (default 8 GiB under
 * {@code benchmarks/target}); with a size above RAM (32 on this 24 GiB machine) it is the larger-than-RAM run.
 */
public final class DiskScan {
    private static final int RANDOM_READS = 20_000;
    private static final int BLOCK = 16 << 10;

    private DiskScan() {
    }

    public static void main(String[] args) throws Exception {
        long gib = args.length > 0 ? Long.parseLong(args[0]) : 8;
        Path dir = Path.of(args.length > 1 ? args[1] : "benchmarks/target/disk-scan").toAbsolutePath();
        RegionStore disk = RegionStore.open(dir);
        long n = (gib << 30) / 8;
        System.out.printf(Locale.ROOT, "region of %d GiB (%,d doubles) in %s; RAM %d GiB%n", gib, n, dir,
                ramGiB());
        long t = System.nanoTime();
        SharedDoubleArray view;
        try (ArrayWriter<SharedDoubleArray> w = disk.allocate(SharedDoubleArray.class, n)) {
            double[] chunk = new double[1 << 20];
            for (long at = 0; at < n; at += chunk.length) {
                int len = (int) Math.min(chunk.length, n - at);
                for (int i = 0; i < len; i++) {
                    chunk[i] = (at + i) & 1023;
                }
                w.put(at, len == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, len));
            }
            view = w.seal();
        }
        double build = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "built and sealed in %.1f s (%.2f GB/s)%n", build, (gib << 30) / build / 1e9);
        Path file = disk.file(view.path());
        long header = 80; // a root array's elements follow the 64-byte region header and its 16-byte node header
        try (view) {
            double mapped = scan(() -> Sums.sum(view), gib, "mapped view, no hint");
            Grove.advise(view, Advice.SEQUENTIAL);
            double hinted = scan(() -> Sums.sum(view), gib, "mapped view, SEQUENTIAL");
            Grove.advise(view, Advice.NORMAL);
            double windows = scan(() -> sumPopulated(view), gib, "mapped view, POPULATE_READ per 64 MiB");
            double channel = scan(() -> sumChannel(file, header, n), gib, "FileChannel.read, 1 MiB direct buffer");
            System.out.printf(Locale.ROOT, "sequential: mapped %.2fx, with the hint %.2fx, populated ahead %.2fx the"
                    + " FileChannel throughput%n", channel / mapped, channel / hinted, channel / windows);
            if (gib <= 16) {
                long[] offsets = new SplittableRandom(7).longs(RANDOM_READS, 0, (n * 8 - BLOCK) / BLOCK)
                        .map(b -> b * BLOCK).toArray();
                Grove.advise(view, Advice.RANDOM);
                double rm = random(() -> randomMapped(view, offsets), "mapped view, RANDOM");
                double rc = random(() -> randomChannel(file, header, offsets), "FileChannel.read");
                System.out.printf(Locale.ROOT, "random 16 KiB: mapped takes %.2fx the FileChannel time%n", rm / rc);
            }
        }
        System.out.printf(Locale.ROOT, "peak resident memory of this JVM (VmHWM): %d MB%n", peakRssMb());
        disk.delete(view.path());
    }

    interface Work {
        double run() throws IOException;
    }

    /** Seconds for one cold pass; prints GB/s. */
    private static double scan(Work w, long gib, String label) throws Exception {
        dropCaches();
        long t = System.nanoTime();
        double sum = w.run();
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "  %-40s %6.1f s  %5.2f GB/s  (sum %.0f)%n", label, s, (gib << 30) / s / 1e9, sum);
        return s;
    }

    private static double random(Work w, String label) throws Exception {
        dropCaches();
        long t = System.nanoTime();
        double sum = w.run();
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "  random %-33s %6.2f s  %6.1f us per 16 KiB read  (sum %.0f)%n", label, s,
                s * 1e6 / RANDOM_READS, sum);
        return s;
    }

    /** The same sum, each 64 MiB window populated ({@code MADV_POPULATE_READ}) just before it is read. */
    private static double sumPopulated(SharedDoubleArray v) {
        java.lang.foreign.MemorySegment all = v.segment();
        long window = 64L << 20;
        double s = 0;
        for (long at = 0, n = v.length(); at < n; ) {
            long bytes = Math.min(window, (n - at) * 8);
            Grove.advise(all.asSlice(at * 8, bytes), Advice.POPULATE_READ);
            for (long end = at + bytes / 8; at < end; at++) {
                s += v.getDouble(at);
            }
        }
        return s;
    }

    private static double sumChannel(Path file, long offset, long n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        double s = 0;
        long end = offset + n * 8;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at = offset; at < end; ) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), end - at));
                int r = ch.read(buf, at);
                if (r < 0) {
                    break;
                }
                at += r;
                buf.flip();
                while (buf.remaining() >= 8) {
                    s += buf.getDouble();
                }
            }
        }
        return s;
    }

    private static double randomMapped(SharedDoubleArray v, long[] offsets) {
        double s = 0;
        for (long off : offsets) {
            long first = off / 8;
            for (int i = 0; i < BLOCK / 8; i++) {
                s += v.getDouble(first + i);
            }
        }
        return s;
    }

    private static double randomChannel(Path file, long header, long[] offsets) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        double s = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long off : offsets) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, header + off + buf.position()) > 0) {
                    // read the whole block
                }
                buf.flip();
                while (buf.remaining() >= 8) {
                    s += buf.getDouble();
                }
            }
        }
        return s;
    }

    private static void dropCaches() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor(); // only clean pages can be dropped
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            System.out.println("  (cannot drop the page cache here: " + e.getMessage() + "; figures may be warm)");
        }
    }

    private static long ramGiB() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) >> 20;
            }
        }
        return -1;
    }

    private static long peakRssMb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
            }
        }
        return -1;
    }
}

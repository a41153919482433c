package dev.grove;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-process fan-out benchmark, mori's motivating case: W worker JVMs each need the same 200 MB
 * payload and compute the mean of every column. By value, each worker receives and deserializes its own
 * copy through a pipe (java.io); by reference, each receives a Grove reference and maps the one shared
 * copy. Prints wall time per mode (worker JVM start-up included) and the workers' private resident memory
 * (RssAnon; the shared pages exist once for all), side by side.
 *
 * <p>Run with {@code bin/fanout [workers]}.
 */
public final class FanOut {
    private static final int ROWS = 5_000_000;
    private static final int COLS = 5;

    private FanOut() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            worker();
            return;
        }
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        // Workers map their reference within a second or two: a short lease, so that nothing stays in
        // /dev/shm for the default minute after the run.
        System.setProperty("grove.lease.seconds", "3");
        double[][] columns = new double[COLS][ROWS];
        for (int c = 0; c < COLS; c++) {
            for (int r = 0; r < ROWS; r++) {
                columns[c][r] = (r % 1000) * 0.001 + c;
            }
        }
        System.out.printf("%d workers, payload %d columns x %,d rows = %d MB%n", workers, COLS, ROWS,
                (long) COLS * ROWS * 8 >> 20);
        for (int round = 0; round < 2; round++) {
            run("by value (java.io)", workers, columns, false);
            run("by reference (Grove)", workers, columns, true);
        }
        Thread.sleep(3_100);
        RegionStore.defaultStore().sweep();
    }

    private static void run(String label, int workers, double[][] columns, boolean shared) throws Exception {
        long t0 = System.nanoTime();
        List<Process> ps = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            ps.add(new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    FanOut.class.getName(), "--worker").redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        SharedMatrix matrix = shared ? Grove.share(columns) : null;
        long bytesSent = 0;
        for (Process p : ps) {
            try (DataOutputStream out = new DataOutputStream(p.getOutputStream())) {
                if (shared) {
                    byte[] ref = matrix.ref().toString().getBytes(StandardCharsets.UTF_8);
                    out.writeBoolean(true);
                    out.writeInt(ref.length);
                    out.write(ref);
                    bytesSent += ref.length;
                } else {
                    out.writeBoolean(false);
                    ObjectOutputStream oos = new ObjectOutputStream(out);
                    oos.writeObject(columns);
                    oos.flush();
                    bytesSent += (long) COLS * ROWS * 8;
                }
            }
        }
        long rss = 0;
        double check = 0;
        for (Process p : ps) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String[] answer = in.readLine().split(" ");
                check += Double.parseDouble(answer[0]);
                rss += Long.parseLong(answer[1]);
            }
            p.waitFor();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (matrix != null) {
            matrix.close();
        }
        System.out.printf("%-22s %6d ms wall, %,6d MB private memory in workers, %,d bytes sent, checksum %.3f%n", label, ms,
                rss >> 10, bytesSent, check);
    }

    private static void worker() throws Exception {
        DataInputStream in = new DataInputStream(System.in);
        double sum = 0;
        if (in.readBoolean()) {
            byte[] ref = in.readNBytes(in.readInt());
            try (SharedMatrix m = Grove.map(SharedRef.parse(new String(ref, StandardCharsets.UTF_8)))) {
                for (long r = 0; r < m.rows(); r++) {
                    try (SharedDoubleArray row = m.row(r)) {
                        for (long i = 0; i < row.length(); i++) {
                            sum += row.getDouble(i);
                        }
                    }
                }
                System.out.println(sum / (m.rows() * m.cols()) + " " + rssKb());
            }
        } else {
            double[][] columns = (double[][]) new ObjectInputStream(in).readObject();
            long n = 0;
            for (double[] col : columns) {
                for (double v : col) {
                    sum += v;
                }
                n += col.length;
            }
            System.out.println(sum / n + " " + rssKb());
        }
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            // Private memory only: RSS also counts the shared pages every worker maps, which exist once.
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}

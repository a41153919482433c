package dev.grove;

import dev.grove.fory.ForyBridge;
import dev.grove.fory.GroveSerializers;
import dev.grove.serial.SharingObjectOutputStream;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where references start to beat copies, per message (issue: the per-message RPC path). A parent JVM sends
 * a {@code double[]} payload to a warm child JVM over a pipe, message after message; the child decodes it,
 * sums every element and answers the sum (8 bytes); the time is from the parent starting to encode until
 * the answer is back, median per message. Payloads of 4 KiB to 256 MiB, six ways side by side in one run:
 * <ol>
 * <li>plain Fory (its graph-memory budget raised to 1 GiB on both sides: by default it refuses graphs over
 *     128 MiB);
 * <li>plain java.io;
 * <li>{@link ForyBridge} (arrays of 64 KiB or more through shared memory: each message's region goes back
 *     to the sender when the child has copied the arrays, and carries a later message);
 * <li>{@link SharingObjectOutputStream} (the same for java.io);
 * <li>a view per message: {@code Grove.share} of the array, its reference through Fory with
 *     {@link GroveSerializers} registered for consumed-once references ({@link Delivery#ONCE}), the view
 *     closed by both sides once the answer is back;
 * <li>a view shared once, before timing: each message carries its (fan-out) reference.
 * </ol>
 * Each way runs a quarter of its messages unmeasured first at each size, so that both JVMs are warm for that
 * size (compiled code, and for the shared ways the regions and mappings a steady stream reuses).
 * Writes the table to standard output and a chart of time per message against size to
 * {@code docs/crossover.svg} (or {@code -Dcrossover.svg=FILE}).
 *
 * <p>Run with {@code bin/bench --class dev.grove.Crossover [maxMiB]}. To look at one case under a profiler,
 * {@code -Dcrossover.only=BYTES:WAY} (say {@code 65536:2}) runs that payload size and way alone, 20,000
 * times.
 */
public final class Crossover {
    static final String[] WAYS = {"plain Fory", "plain java.io", "ForyBridge", "sharing stream", "view per message",
            "view shared once"};
    private static final long GRAPH_BUDGET = 1L << 30;

    private Crossover() {
    }

    static Fory fory() {
        return fory(Delivery.FAN_OUT);
    }

    /** A Fory whose views are written as references of {@code delivery}. */
    static Fory fory(Delivery delivery) {
        Fory f = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(false)
                .withMaxGraphMemoryBytes(GRAPH_BUDGET).build();
        GroveSerializers.register(f, GroveSerializers.DEFAULT_FIRST_ID, delivery);
        return f;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        long maxBytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
        String onlyProperty = System.getProperty("crossover.only");
        long[] only = onlyProperty == null ? null
                : Arrays.stream(onlyProperty.split(":")).mapToLong(Long::parseLong).toArray();
        List<Long> sizes = new ArrayList<>();
        for (long s : new long[] {4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20, 256L << 20}) {
            if (s <= maxBytes) {
                sizes.add(s);
            }
        }
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx4g", "-cp", System.getProperty("java.class.path"),
                Crossover.class.getName(), "--child");
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        double[][] micros = new double[sizes.size()][WAYS.length];
        long[][] wire = new long[sizes.size()][WAYS.length];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(child.getOutputStream(), 1 << 16));
             DataInputStream in = new DataInputStream(new BufferedInputStream(child.getInputStream()))) {
            Fory fory = fory();
            Fory perMessageFory = fory(Delivery.ONCE);
            ForyBridge bridge = ForyBridge.of(fory);
            // Warm both sides on every way with a mid-size payload first.
            double[] warm = payload(1 << 20);
            try (SharedDoubleArray warmView = Grove.share(warm)) {
                for (int r = 0; r < 30; r++) {
                    for (int w = 0; w < WAYS.length; w++) {
                        send(w, warm, w == 4 ? perMessageFory : fory, bridge, out, in, null, warmView);
                    }
                }
            }
            for (int s = 0; s < sizes.size(); s++) {
                double[] data = payload(sizes.get(s));
                int rounds = (int) Math.max(5, Math.min(2000, (512L << 20) / sizes.get(s)));
                for (int w = 0; w < WAYS.length; w++) {
                    if (only != null && (only[0] != sizes.get(s) || only[1] != w)) {
                        continue;
                    }
                    if (only != null) {
                        rounds = 20_000;
                    }
                    long[] t = new long[rounds];
                    long[] bytes = new long[1];
                    Fory wayFory = w == 4 ? perMessageFory : fory;
                    try (SharedDoubleArray once = w == 5 ? Grove.share(data) : null) {
                        for (int r = 0; r < rounds / 4; r++) {
                            send(w, data, wayFory, bridge, out, in, null, once);
                        }
                        for (int r = 0; r < rounds; r++) {
                            t[r] = send(w, data, wayFory, bridge, out, in, bytes, once);
                        }
                    }
                    Arrays.sort(t);
                    micros[s][w] = t[rounds / 2] / 1e3;
                    wire[s][w] = bytes[0];
                }
                System.out.printf(Locale.ROOT, "%s done%n", human(sizes.get(s)));
            }
            out.writeByte(-1);
            out.flush();
        }
        child.waitFor();
        print(sizes, micros, wire);
        Path svg = Path.of(System.getProperty("crossover.svg", "docs/crossover.svg"));
        Files.writeString(svg, chart(sizes, micros), StandardCharsets.UTF_8);
        System.out.println("chart: " + svg.toAbsolutePath());
    }

    static double[] payload(long bytes) {
        double[] d = new double[(int) (bytes / 8)];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.25;
        }
        return d;
    }

    /** One message of way {@code w}; the nanoseconds from encoding to the answer. */
    private static long send(int w, double[] data, Fory fory, ForyBridge bridge, DataOutputStream out,
                             DataInputStream in, long[] wireOut, SharedDoubleArray once) throws IOException {
        long t0 = System.nanoTime();
        SharedDoubleArray perMessage = null;
        byte[] msg = switch (w) {
            case 0 -> fory.serialize(data);
            case 1 -> javaIo(data, false);
            case 2 -> bridge.serialize(data);
            case 3 -> javaIo(data, true);
            case 4 -> fory.serialize(perMessage = Grove.share(data));
            default -> fory.serialize(once);
        };
        out.writeByte(w);
        out.writeInt(msg.length);
        out.write(msg);
        out.flush();
        double sum = in.readDouble();
        long t = System.nanoTime() - t0;
        if (perMessage != null) {
            perMessage.close();
        }
        double want = 0.125 * (double) data.length * (data.length - 1);
        if (sum != want) {
            throw new IllegalStateException("child summed wrong: way=" + WAYS[w] + " sum=" + sum + " expected=" + want);
        }
        if (wireOut != null) {
            wireOut[0] = msg.length;
        }
        return t;
    }

    private static byte[] javaIo(Object o, boolean sharing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = sharing ? new SharingObjectOutputStream(bytes) : new ObjectOutputStream(bytes)) {
            oos.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** The warm child: decodes each message the way it was sent, sums, answers. */
    private static void child() throws Exception {
        Fory fory = fory();
        ForyBridge bridge = ForyBridge.of(fory);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.out.write(b, off, len);
            }

            @Override
            public void flush() {
                System.out.flush();
            }
        }));
        for (int w; (w = in.readByte()) >= 0; ) {
            byte[] msg = new byte[in.readInt()];
            in.readFully(msg);
            double sum;
            Object value = switch (w) {
                case 0, 4, 5 -> fory.deserialize(msg);
                case 2 -> bridge.deserialize(msg);
                default -> {
                    try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(msg))) {
                        yield ois.readObject();
                    }
                }
            };
            if (value instanceof double[] a) {
                sum = Sums.sum(a);
            } else {
                try (SharedDoubleArray v = (SharedDoubleArray) value) {
                    sum = Sums.sum(v);
                }
            }
            out.writeDouble(sum);
            out.flush();
        }
    }

    private static String human(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static void print(List<Long> sizes, double[][] micros, long[][] wire) {
        StringBuilder head = new StringBuilder("| payload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String w : WAYS) {
            head.append(' ').append(w).append(" |");
            rule.append("---|");
        }
        System.out.println("median time per message (and its ratio to plain Fory); bytes on the pipe per message");
        System.out.println(head);
        System.out.println(rule);
        for (int s = 0; s < sizes.size(); s++) {
            StringBuilder row = new StringBuilder("| " + human(sizes.get(s)) + " |");
            for (int w = 0; w < WAYS.length; w++) {
                row.append(String.format(Locale.ROOT, " %s (%.2fx) |", time(micros[s][w]), micros[s][w] / micros[s][0]));
            }
            System.out.println(row);
        }
        for (int s = 0; s < sizes.size(); s++) {
            StringBuilder row = new StringBuilder("| " + human(sizes.get(s)) + " bytes |");
            for (int w = 0; w < WAYS.length; w++) {
                row.append(String.format(Locale.ROOT, " %,d |", wire[s][w]));
            }
            System.out.println(row);
        }
    }

    private static String time(double micros) {
        if (micros >= 1e6) {
            return String.format(Locale.ROOT, "%.1f s", micros / 1e6);
        }
        if (micros >= 1000) {
            return String.format(Locale.ROOT, micros >= 10_000 ? "%.0f ms" : "%.1f ms", micros / 1000);
        }
        return String.format(Locale.ROOT, "%.0f µs", micros);
    }

    /** The smallest size from which {@code way} beats plain Fory at every larger size too, or null. */
    private static Integer crossover(double[][] micros, int way) {
        Integer from = null;
        for (int i = micros.length - 1; i >= 0 && micros[i][way] < micros[i][0]; i--) {
            from = i;
        }
        return from;
    }

    /**
     * Time per message against payload size, both logarithmic; the crossover of each way (the size from
     * which it beats plain Fory at every larger size) is circled.
     */
    static String chart(List<Long> sizes, double[][] micros) {
        int w = 930;
        int h = 420;
        int left = 75;
        int top = 40;
        int pw = 520;
        int ph = 320;
        double minT = Double.MAX_VALUE;
        double maxT = 0;
        for (double[] row : micros) {
            for (double v : row) {
                minT = Math.min(minT, v);
                maxT = Math.max(maxT, v);
            }
        }
        double lo = Math.floor(Math.log10(minT));
        double hi = Math.ceil(Math.log10(maxT));
        String[] colors = {"#555555", "#8da0cb", "#fc8d62", "#e78ac3", "#a6d854", "#1b9e77"};
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='12'>%n<rect width='100%%' height='100%%' fill='white'/>%n", w, h));
        s.append("<text x='10' y='20' font-size='14'>Time per message, parent to warm child JVM over a pipe "
                + "(median; log scales)</text>\n");
        s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='black'/>%n",
                left, top, pw, ph));
        for (double d = lo; d <= hi; d++) {
            double y = top + ph - (d - lo) / (hi - lo) * ph;
            s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#dddddd'/>"
                    + "<text x='%d' y='%.1f' text-anchor='end'>%s</text>%n", left, y, left + pw, y, left - 5, y + 4,
                    time(Math.pow(10, d))));
        }
        for (int i = 0; i < sizes.size(); i++) {
            double x = left + (sizes.size() == 1 ? 0 : (double) i / (sizes.size() - 1) * pw);
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>%n", x,
                    top + ph + 18, human(sizes.get(i))));
        }
        for (int way = 0; way < WAYS.length; way++) {
            StringBuilder pts = new StringBuilder();
            Integer crossing = way == 0 ? null : crossover(micros, way);
            for (int i = 0; i < sizes.size(); i++) {
                double x = left + (sizes.size() == 1 ? 0 : (double) i / (sizes.size() - 1) * pw);
                double y = top + ph - (Math.log10(micros[i][way]) - lo) / (hi - lo) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                if (crossing != null && crossing == i) {
                    s.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='5' fill='none' stroke='%s' "
                            + "stroke-width='2'/>%n", x, y, colors[way]));
                }
            }
            s.append(String.format(Locale.ROOT, "<polyline points='%s' fill='none' stroke='%s' stroke-width='2'/>%n",
                    pts.toString().trim(), colors[way]));
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/>"
                    + "<text x='%d' y='%d'>%s%s</text>%n", left + pw + 15, top + 10 + way * 22, colors[way],
                    left + pw + 32, top + 21 + way * 22, WAYS[way],
                    crossing == null ? (way == 0 ? "" : " (not faster at the largest size)")
                            : " (faster from " + human(sizes.get(crossing)) + " up)"));
        }
        s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>circle: the crossover, the size from which a way "
                + "beats plain Fory at every larger size</text>%n", left, h - 12));
        return s.append("</svg>\n").toString();
    }
}

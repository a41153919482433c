package dev.grove;

import dev.grove.fory.ForyBridge;
import dev.grove.fory.GroveSerializers;
import dev.grove.serial.SharingObjectOutputStream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
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
 * After the ways at each size, the copying floor: the least a way that hands the receiver its own array
 * through a region must do (see {@link #copyingFloor}), so that the table says how much the bridge or the
 * sharing stream could gain on plain Fory from their threshold (64 KiB) up; below it they send arrays inline.
 * Each way runs a quarter of its messages (at least 2) unmeasured first at each size, so that both JVMs are warm for that
 * size (compiled code, and for the shared ways the regions and mappings a steady stream reuses).
 * Writes the table to standard output and a chart of time per message against size to
 * {@code docs/crossover.svg} (or {@code -Dcrossover.svg=FILE}).
 *
 * <p>Two legs, one after the other, each with its own warm child: a pipe (the child's standard input and
 * output), and a unary gRPC call per message to a server in the child (Netty on 127.0.0.1, the message as
 * bytes, no protobuf; {@code -Dcrossover.legs=pipe} or {@code grpc} runs one). The gRPC leg's chart is
 * {@code docs/crossover-grpc.svg}.
 *
 * <p>Run with {@code bin/bench --class dev.grove.Crossover [maxMiB]}. To look at one case under a profiler,
 * {@code -Dcrossover.only=BYTES:WAY} (say {@code 65536:2}) runs that payload size and way alone, up to
 * 20,000 times.
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
        // The collections between ways (see measure) must not shrink either heap: the next way would pay for
        // faulting it in again, which plain Fory's large arrays feel most.
        com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        vm.setVMOption("MaxHeapFreeRatio", "100");
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        if (args.length > 0 && args[0].equals("--grpc-child")) {
            grpcChild();
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
        if (only != null && (only.length != 2 || !sizes.contains(only[0]) || only[1] < 0 || only[1] >= WAYS.length)) {
            throw new IllegalArgumentException("crossover.only must be BYTES:WAY with BYTES one of " + sizes
                    + " (up to the maximum given) and WAY 0 to " + (WAYS.length - 1) + ": " + onlyProperty);
        }
        String svgName = System.getProperty("crossover.svg", "docs/crossover.svg");
        for (String leg : System.getProperty("crossover.legs", "pipe,grpc").split(",")) {
            try (Link link = leg.equals("grpc") ? GrpcLink.start() : PipeLink.start()) {
                double[][] micros = new double[sizes.size()][WAYS.length];
                long[][] wire = new long[sizes.size()][WAYS.length];
                double[] floor = new double[sizes.size()];
                measure(link, sizes, only, micros, wire, floor);
                if (only != null) {
                    // One cell: no table or chart to draw (the others were not measured).
                    int s = sizes.indexOf(only[0]);
                    System.out.printf(Locale.ROOT, "%s, %s, %s: %s per message, %,d bytes%n", link.name(),
                            human(only[0]), WAYS[(int) only[1]], time(micros[s][(int) only[1]]), wire[s][(int) only[1]]);
                    continue;
                }
                print(leg, sizes, micros, wire, floor);
                Path svg = Path.of(leg.equals("pipe") ? svgName : svgName.replace(".svg", "-" + leg + ".svg"));
                Files.writeString(svg, chart(leg, sizes, micros), StandardCharsets.UTF_8);
                System.out.println("chart: " + svg.toAbsolutePath());
            }
        }
    }

    /**
     * Every way at every size over {@code link}: medians into {@code micros}, message sizes into {@code wire},
     * and (unless one cell is chosen) the receiver's floor of a copying way into {@code floor}.
     */
    private static void measure(Link link, List<Long> sizes, long[] only, double[][] micros, long[][] wire,
                                double[] floor) throws IOException {
        Fory fory = fory();
        Fory perMessageFory = fory(Delivery.ONCE);
        ForyBridge bridge = ForyBridge.of(fory);
        // Warm both sides on every way first, on every path it takes: below the bridge's threshold the
        // automatic ways send arrays inline, above it through a region, so 4 KiB and 64 KiB messages are
        // mixed (code compiled on one path alone is thrown away when the other is first taken, and the first
        // rows measured would run it half compiled). It takes tens of thousands of messages: a method called
        // once per message reaches the optimizing compiler only after thousands of calls. A few large messages
        // then warm the copies.
        double[] small = payload(4 << 10);
        double[] medium = payload(64 << 10);
        double[] large = payload(1 << 20);
        try (SharedDoubleArray smallView = Grove.share(small); SharedDoubleArray mediumView = Grove.share(medium);
             SharedDoubleArray largeView = Grove.share(large)) {
            for (int r = 0; r < 20_000; r++) {
                for (int w = 0; w < WAYS.length; w++) {
                    Fory wayFory = w == 4 ? perMessageFory : fory;
                    send(link, w, medium, wayFory, bridge, null, mediumView);
                    if (r % 4 == 0) {
                        send(link, w, small, wayFory, bridge, null, smallView);
                        if (w == 0) {
                            copyingFloor(link, medium, null);
                        }
                    }
                    if (r % 500 == 0) {
                        send(link, w, large, wayFory, bridge, null, largeView);
                    }
                }
            }
        }
        for (int s = 0; s < sizes.size(); s++) {
            double[] data = payload(sizes.get(s));
            int rounds = (int) Math.max(9, Math.min(2000, (512L << 20) / sizes.get(s)));
            for (int w = 0; w < WAYS.length; w++) {
                if (only != null && (only[0] != sizes.get(s) || only[1] != w)) {
                    continue;
                }
                if (only != null) {
                    rounds = (int) Math.max(20, Math.min(20_000, (8L << 30) / sizes.get(s)));
                }
                long[] bytes = new long[1];
                int way = w;
                Fory wayFory = w == 4 ? perMessageFory : fory;
                try (SharedDoubleArray once = w == 5 ? Grove.share(data) : null) {
                    micros[s][w] = medianMicros(link, rounds, () -> send(link, way, data, wayFory, bridge, bytes, once));
                }
                wire[s][w] = bytes[0];
            }
            if (only == null) {
                // Never sealed: closed, the region is deleted (or kept a few seconds as a spare).
                try (ArrayWriter<SharedDoubleArray> region = Grove.allocateForOverwrite(SharedDoubleArray.class, data.length)) {
                    floor[s] = medianMicros(link, rounds, () -> copyingFloor(link, data, region));
                }
            }
            System.out.printf(Locale.ROOT, "%s: %s done%n", link.name(), human(sizes.get(s)));
        }
    }

    /** One message, sent and answered: the nanoseconds it took. */
    private interface Timed {
        long run() throws IOException;
    }

    /**
     * The median, in microseconds, of {@code rounds} messages of {@code one}, after a quarter as many (at least
     * 2) unmeasured ones. Both JVMs collect their garbage first: no measurement pays for the garbage the one
     * before it left (a 256 MiB way after another one could otherwise spend its messages in full collections).
     */
    private static double medianMicros(Link link, int rounds, Timed one) throws IOException {
        System.gc();
        link.call(COLLECT, new byte[0]);
        for (int r = 0; r < Math.max(2, rounds / 4); r++) {
            one.run();
        }
        long[] t = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            t[r] = one.run();
        }
        Arrays.sort(t);
        return t[rounds / 2] / 1e3;
    }

    /** Fails unless {@code sum} is the sum of the {@link #payload} of {@code length} elements. */
    private static void checkSum(String way, double sum, int length) {
        double want = 0.125 * (double) length * (length - 1);
        if (sum != want) {
            throw new IllegalStateException("child summed wrong: way=" + way + " sum=" + sum + " expected=" + want);
        }
    }

    /**
     * What any way that hands the receiver its own copy of {@code data} through a region does at least (the
     * bridge and the sharing stream from their threshold up), with a message of 8
     * bytes: the sender copies the array into a region it keeps ({@code region}, when given: Grove's copy into
     * a region, as the bridge makes it, but without the checksum the bridge takes along, since the same
     * region is written again and again; with {@code -Dgrove.checksum=false} the bridge's times moved less than
     * from run to run); the receiver makes a new {@code double[]} (which the JVM
     * zeroes), copies into it from a region it mapped long ago ({@link SharedDoubleArray#toDoubleArray}:
     * Grove's copy out of a region, as the bridge's reader makes it) and sums it. The nanoseconds from the
     * sender's copy to the answer.
     */
    private static long copyingFloor(Link link, double[] data, ArrayWriter<SharedDoubleArray> region)
            throws IOException {
        int length = data.length;
        long t0 = System.nanoTime();
        if (region != null) {
            region.put(0, data);
        }
        double sum = link.call(FLOOR, java.nio.ByteBuffer.allocate(8).putLong(length).array());
        long t = System.nanoTime() - t0;
        checkSum("floor", sum, length);
        return t;
    }

    static double[] payload(long bytes) {
        double[] d = new double[(int) (bytes / 8)];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.25;
        }
        return d;
    }

    /** One message of way {@code w}; the nanoseconds from encoding to the answer. */
    private static long send(Link link, int w, double[] data, Fory fory, ForyBridge bridge, long[] wireOut,
                             SharedDoubleArray once) throws IOException {
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
        double sum = link.call(w, msg);
        long t = System.nanoTime() - t0;
        if (perMessage != null) {
            perMessage.close();
        }
        checkSum(WAYS[w], sum, data.length);
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

    /** The way number that asks a child to collect its garbage between ways. */
    private static final int COLLECT = 99;
    /** The way number that asks a child for the receiver's part of the copying floor (see copyingFloor). */
    private static final int FLOOR = 98;

    /** What a child does with a message: decodes it the way it was sent and sums the doubles. */
    static final class Receiver implements AutoCloseable {
        private final Fory fory = fory();
        private final ForyBridge bridge = ForyBridge.of(fory);
        /** For the floor: the region of the length asked for last, shared once and kept mapped. */
        private SharedDoubleArray floorSource;

        double handle(int w, byte[] msg) throws IOException, ClassNotFoundException {
            if (w == COLLECT) {
                System.gc();
                return 0;
            }
            if (w == FLOOR) {
                int length = (int) java.nio.ByteBuffer.wrap(msg).getLong();
                if (floorSource == null || floorSource.length() != length) {
                    close();
                    floorSource = Grove.share(payload(8L * length));
                }
                return Sums.sum(floorSource.toDoubleArray());
            }
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
                return Sums.sum(a);
            }
            try (SharedDoubleArray v = (SharedDoubleArray) value) {
                return Sums.sum(v);
            }
        }

        @Override
        public void close() {
            if (floorSource != null) {
                floorSource.close();
                floorSource = null;
            }
        }
    }

    /** The warm child over a pipe: a way byte, a length and the message in; the sum out. */
    private static void child() throws Exception {
        try (Receiver receiver = new Receiver()) {
            serve(receiver);
        }
    }

    private static void serve(Receiver receiver) throws Exception {
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
            out.writeDouble(receiver.handle(w, msg));
            out.flush();
        }
    }

    /** The parent's end of a leg: one message of a way to the warm child, and its answer. */
    interface Link extends AutoCloseable {
        double call(int way, byte[] msg) throws IOException;

        String name();

        @Override
        void close() throws IOException, InterruptedException;
    }

    /** A child JVM started with {@code arg}, its standard error passed through. */
    private static Process startChild(String arg) throws IOException {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx4g", "-cp", System.getProperty("java.class.path"),
                Crossover.class.getName(), arg);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Messages over the child's standard input, answers over its standard output. */
    static final class PipeLink implements Link {
        private final Process child;
        private final DataOutputStream out;
        private final DataInputStream in;

        private PipeLink(Process child) {
            this.child = child;
            this.out = new DataOutputStream(new BufferedOutputStream(child.getOutputStream(), 1 << 16));
            this.in = new DataInputStream(new BufferedInputStream(child.getInputStream()));
        }

        static PipeLink start() throws IOException {
            return new PipeLink(startChild("--child"));
        }

        @Override
        public double call(int way, byte[] msg) throws IOException {
            out.writeByte(way);
            out.writeInt(msg.length);
            out.write(msg);
            out.flush();
            return in.readDouble();
        }

        @Override
        public String name() {
            return "pipe";
        }

        @Override
        public void close() throws IOException, InterruptedException {
            out.writeByte(-1);
            out.flush();
            out.close();
            child.waitFor();
        }
    }

    private static final int GRPC_MAX_MESSAGE = Integer.MAX_VALUE;

    /** A unary gRPC call per message to a server in the child (Netty on 127.0.0.1, no protobuf). */
    static final class GrpcLink implements Link {
        private final Process child;
        private final ManagedChannel channel;

        private GrpcLink(Process child, ManagedChannel channel) {
            this.child = child;
            this.channel = channel;
        }

        static GrpcLink start() throws IOException {
            Process child = startChild("--grpc-child");
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.startsWith("port ")) {
                child.destroyForcibly();
                throw new IOException("the gRPC child did not start: " + line);
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(line.substring(5)))
                    .usePlaintext().maxInboundMessageSize(GRPC_MAX_MESSAGE).build();
            return new GrpcLink(child, channel);
        }

        @Override
        public double call(int way, byte[] msg) {
            return ClientCalls.blockingUnaryCall(channel, SUM, CallOptions.DEFAULT, new Message(way, msg));
        }

        @Override
        public String name() {
            return "gRPC";
        }

        @Override
        public void close() throws InterruptedException, IOException {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            child.getOutputStream().close(); // the server ends when its standard input does
            if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** A way and its encoded message, written as the way's byte followed by the message, with no copy. */
    record Message(int way, byte[] bytes) {
    }

    private static final MethodDescriptor<Message, Double> SUM = MethodDescriptor.<Message, Double>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("grove.Crossover", "Sum"))
            .setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
                @Override
                public java.io.InputStream stream(Message m) {
                    return new java.io.SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) m.way()}),
                            new ByteArrayInputStream(m.bytes()));
                }

                @Override
                public Message parse(java.io.InputStream in) {
                    try {
                        int way = in.read();
                        return new Message(way, in.readAllBytes());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            })
            .setResponseMarshaller(new MethodDescriptor.Marshaller<>() {
                @Override
                public java.io.InputStream stream(Double sum) {
                    return new ByteArrayInputStream(java.nio.ByteBuffer.allocate(8).putDouble(sum).array());
                }

                @Override
                public Double parse(java.io.InputStream in) {
                    try {
                        return java.nio.ByteBuffer.wrap(in.readAllBytes()).getDouble();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            })
            .build();

    /** The warm child as a gRPC server: prints its port, serves until its standard input closes. */
    private static void grpcChild() throws Exception {
        try (Receiver receiver = new Receiver()) {
            serveGrpc(receiver);
        }
    }

    private static void serveGrpc(Receiver receiver) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder("grove.Crossover")
                .addMethod(SUM, ServerCalls.asyncUnaryCall((Message m, StreamObserver<Double> response) -> {
                    try {
                        response.onNext(receiver.handle(m.way(), m.bytes()));
                        response.onCompleted();
                    } catch (Exception e) {
                        response.onError(e);
                    }
                })).build();
        // One thread serves calls, as the pipe child does: messages arrive one at a time anyway.
        Server server = NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(GRPC_MAX_MESSAGE).directExecutor().addService(service).build().start();
        System.out.println("port " + server.getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our standard input
        }
        server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static String human(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static void print(String leg, List<Long> sizes, double[][] micros, long[][] wire, double[] floor) {
        StringBuilder head = new StringBuilder("| payload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String w : WAYS) {
            head.append(' ').append(w).append(" |");
            rule.append("---|");
        }
        System.out.println(leg + ": median time per message (and its ratio to plain Fory); bytes of each message");
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
        System.out.println(leg + ": the floor of a copying way (the sender's copy into a region, a message of 8 bytes,"
                + " the receiver's new array, its copy out of a region and the sum), and the most a copying way could"
                + " be faster than plain Fory");
        System.out.println("| payload | copying floor | plain Fory / floor |");
        System.out.println("|---|---|---|");
        for (int s = 0; s < sizes.size(); s++) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.1fx |%n", human(sizes.get(s)), time(floor[s]),
                    micros[s][0] / floor[s]);
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
    static String chart(String leg, List<Long> sizes, double[][] micros) {
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
        s.append("<text x='10' y='20' font-size='14'>Time per message, parent to warm child JVM over "
                + (leg.equals("pipe") ? "a pipe" : leg) + " (median; log scales)</text>\n");
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

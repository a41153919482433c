package dev.grove.integrations;

import dev.grove.Grove;
import example.app.Unlisted;
import dev.grove.SharedDoubleArray;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An Apache Dubbo 3.3 provider or consumer of {@link Summer} in a child JVM, on the dubbo protocol over
 * loopback, with serialization checks STRICT and no automatic trust: only the allow list (given with
 * {@code -Ddubbo.security.serialize.allowedClassList}) admits classes. Arguments: {@code provider PORT
 * SERIALIZATION} or {@code consumer PORT SERIALIZATION}. Consumer commands: {@code check-view N SEED},
 * {@code check-plain N SEED} (the provider answers with the heap it allocated for the call), {@code fetch N SEED}, {@code unlisted}, {@code exit}; each answers one line
 * with the consumer's {@code wchar} or {@code rchar} delta.
 */
public final class DubboChild {
    private DubboChild() {
    }

    /** The provider's implementation. */
    public static final class Service implements Summer {
        private volatile long mark;

        /** Heap allocated by every thread of the provider since {@link #mark()}: decoding the request included. */
        private long allocatedSinceMark() {
            return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                    .getTotalThreadAllocatedBytes() - mark;
        }

        @Override
        public String mark() {
            mark = allocatedSinceMark() + mark;
            return "ok";
        }

        @Override
        public String check(SharedDoubleArray values, int n, int seed) {
            try (values) {
                String bad = ProcStats.mismatch(values, n, seed);
                return (bad == null ? "ok" : "bad " + bad) + " alloc=" + allocatedSinceMark();
            }
        }

        @Override
        public String checkPlain(double[] values, int n, int seed) {
            String bad = ProcStats.mismatch(values, n, seed);
            return (bad == null ? "ok" : "bad " + bad) + " alloc=" + allocatedSinceMark();
        }

        @Override
        public SharedDoubleArray fetch(int n, int seed) {
            // Writing the reply takes a lease that keeps the region until the consumer maps it; this view is
            // left to the garbage collector, as Dubbo gives no hook after the reply is sent.
            return Grove.share(ProcStats.data(n, seed));
        }

        @Override
        public String accept(Object value) {
            return "accepted " + value.getClass().getName();
        }
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        app.setSerializeCheckStatus("STRICT");
        app.setAutoTrustSerializeClass(false);
        return app;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        String serialization = args[2];
        DubboBootstrap boot = DubboBootstrap.newInstance();
        if (args[0].equals("provider")) {
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            protocol.setHost("127.0.0.1");
            protocol.setSerialization(serialization);
            protocol.setPayload(256 << 20);
            ServiceConfig<Summer> service = new ServiceConfig<>();
            service.setInterface(Summer.class);
            service.setRef(new Service());
            boot.application(application("grove-it-provider")).registry(new RegistryConfig("N/A"))
                    .protocol(protocol).service(service).start();
            System.out.println("ready");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            boot.stop();
            System.exit(0);
        }
        ReferenceConfig<Summer> reference = new ReferenceConfig<>();
        reference.setInterface(Summer.class);
        reference.setUrl("dubbo://127.0.0.1:" + port + "/" + Summer.class.getName() + "?serialization=" + serialization
                + "&payload=" + (256 << 20));
        reference.setRetries(0);
        reference.setTimeout(60_000);
        reference.setParameters(Map.of("serialization", serialization));
        boot.application(application("grove-it-consumer")).reference(reference).start();
        Summer summer = reference.get();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] a = line.split(" ");
            if (a[0].equals("exit")) {
                System.out.println("exit bye");
                break;
            }
            try {
                System.out.println(a[0] + " " + call(summer, a));
            } catch (Exception | Error e) {
                System.out.println(a[0] + " error " + e.getClass().getName() + " "
                        + String.valueOf(e.getMessage()).replace('\n', ' '));
                e.printStackTrace();
            }
        }
        boot.stop();
        System.exit(0);
    }

    private static String call(Summer summer, String[] a) {
        if (a[0].equals("unlisted")) {
            return summer.accept(new Unlisted());
        }
        int n = Integer.parseInt(a[1]);
        int seed = Integer.parseInt(a[2]);
        switch (a[0]) {
            case "check-view" -> {
                summer.mark();
                try (SharedDoubleArray v = Grove.share(ProcStats.data(n, seed))) {
                    long w0 = ProcStats.writtenBytes();
                    String answer = summer.check(v, n, seed);
                    return answer + " wchar=" + (ProcStats.writtenBytes() - w0);
                }
            }
            case "check-plain" -> {
                double[] data = ProcStats.data(n, seed);
                summer.mark();
                long w0 = ProcStats.writtenBytes();
                String answer = summer.checkPlain(data, n, seed);
                return answer + " wchar=" + (ProcStats.writtenBytes() - w0);
            }
            case "fetch" -> {
                long r0 = ProcStats.readBytes();
                try (SharedDoubleArray v = summer.fetch(n, seed)) {
                    long read = ProcStats.readBytes() - r0;
                    String bad = ProcStats.mismatch(v, n, seed);
                    return (bad == null ? "ok" : "bad " + bad) + " rchar=" + read;
                }
            }
            default -> throw new IllegalArgumentException("unknown command: " + a[0]);
        }
    }
}

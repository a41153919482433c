package dev.grove;

import dev.grove.fory.ForyBridge;
import dev.grove.fory.GroveSerializers;
import dev.grove.serial.SharingObjectOutputStream;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A 200 MB payload serialized and deserialized (one process plays both ends): plain Fory, Fory with a
 * Grove reference, Fory through the out-of-band bridge; plain java.io, java.io with a reference, java.io
 * with automatic sharing. Short leases, so regions made per operation do not pile up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Xmx6g", "-Xms6g", "-XX:+AlwaysPreTouch",
        "-Dgrove.lease.seconds=0.05"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class SerializationBenchmark {
    /** The user's class. */
    public static final class Payload implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name = "payload";
        public double[] values;
        public List<Double> shared;
    }

    Fory fory;
    ForyBridge bridge;
    Payload plain;
    Payload byReference;
    SharedDoubleArray view;

    @Setup
    public void setUp() {
        // Fory refuses graphs over 128 MiB by default; this payload is trusted and 200 MB.
        fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true)
                .withMaxGraphMemoryBytes(1L << 31).build();
        GroveSerializers.register(fory);
        fory.register(Payload.class, 300);
        bridge = ForyBridge.of(fory);
        double[] data = new double[25_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        plain = new Payload();
        plain.values = data;
        view = Grove.share(data);
        byReference = new Payload();
        byReference.shared = view;
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        view.close();
        // The last reference's 50 ms lease keeps the region; once it ends, this process deletes it
        // (within 20 ms), which must happen before the benchmark JVM exits.
        Thread.sleep(200);
    }

    @Benchmark
    public Object foryPlain() {
        return fory.deserialize(fory.serialize(plain));
    }

    @Benchmark
    public Object foryReference() {
        Payload p = (Payload) fory.deserialize(fory.serialize(byReference));
        ((SharedObject) p.shared).close();
        return p;
    }

    @Benchmark
    public Object foryBridge() {
        return bridge.deserialize(bridge.serialize(plain));
    }

    @Benchmark
    public Object javaPlain() throws Exception {
        return roundTrip(plain, ObjectOutputStream::new);
    }

    @Benchmark
    public Object javaReference() throws Exception {
        Payload p = (Payload) roundTrip(byReference, ObjectOutputStream::new);
        ((SharedObject) p.shared).close();
        return p;
    }

    @Benchmark
    public Object javaSharing() throws Exception {
        return roundTrip(plain, SharingObjectOutputStream::new);
    }

    interface Opener {
        ObjectOutputStream open(OutputStream out) throws IOException;
    }

    private static Object roundTrip(Object o, Opener opener) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = opener.open(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}

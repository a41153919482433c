package dev.grove.fory;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gRPC service whose messages are ordinary Java objects marshalled by Fory + Grove: no protobuf.
 * Run as a child JVM: prints {@code port N}, serves until its stdin closes. {@code Process} answers a
 * {@link Forys.Payload} with the sum of its prices, the sum of its first array (if any), and the shared
 * prices view itself, which goes back by reference.
 */
public final class GrpcServerMain {
    static final String SERVICE = "grove.Demo";

    private GrpcServerMain() {
    }

    /** Marshals any object with a {@link ForyBridge}, counting the bytes it produces. */
    static final class BridgeMarshaller implements MethodDescriptor.Marshaller<Object> {
        final ForyBridge bridge;
        final AtomicLong bytesOut = new AtomicLong();

        BridgeMarshaller(ForyBridge bridge) {
            this.bridge = bridge;
        }

        @Override
        public InputStream stream(Object value) {
            byte[] b = bridge.serialize(value);
            bytesOut.set(b.length);
            return new ByteArrayInputStream(b);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return bridge.deserialize(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static MethodDescriptor<Object, Object> method(BridgeMarshaller m) {
        return MethodDescriptor.newBuilder(m, m).setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Process")).build();
    }

    static Forys.Payload process(Forys.Payload in) {
        Forys.Payload out = new Forys.Payload();
        double sum = 0;
        for (Double d : in.prices) {
            sum += d;
        }
        out.name = "sum=" + sum;
        if (in.anything instanceof double[] big) {
            double s = 0;
            for (double d : big) {
                s += d;
            }
            out.label = "array=" + s + " length=" + big.length;
        }
        out.prices = in.prices;
        return out;
    }

    public static void main(String[] args) throws Exception {
        BridgeMarshaller m = new BridgeMarshaller(ForyBridge.of(Forys.fory(true, false, true)));
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(method(m), ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(process((Forys.Payload) request));
                    response.onCompleted();
                })).build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                .build().start();
        System.out.println("port " + server.getPort());
        System.out.flush();
        // Serve until the parent closes our stdin (or kills us).
        while (System.in.read() >= 0) {
            // keep serving
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}

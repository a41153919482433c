package dev.grove.conformance;

import dev.grove.SharedObject;
import dev.grove.test.ChildJvm;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** gRPC over Netty on loopback with Fory + Grove marshalling; the server is a child JVM echoing what it gets. */
class GrpcForyTransport implements Transport {
    private static final ThreadLocal<UnaryOperator<byte[]>> WIRE = ThreadLocal.withInitial(UnaryOperator::identity);
    private final ChildJvm server;
    private final ManagedChannel channel;
    private final MethodDescriptor<Object, Object> method;

    /** Fory marshalling; on the client the outbound bytes pass through the kit's wire operator. */
    static final class Marshaller implements MethodDescriptor.Marshaller<Object> {
        private final Codec.ForyCodec codec = new Codec.ForyCodec();
        private final boolean client;

        Marshaller(boolean client) {
            this.client = client;
        }

        @Override
        public InputStream stream(Object value) {
            byte[] b = codec.encode(value);
            return new ByteArrayInputStream(client ? WIRE.get().apply(b) : b);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return codec.decode(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static MethodDescriptor<Object, Object> method(boolean client) {
        Marshaller m = new Marshaller(client);
        return MethodDescriptor.newBuilder(m, m).setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("grove.Conformance/Echo").build();
    }

    /** The server process. */
    public static final class ServerMain {
        public static void main(String[] args) throws Exception {
            ServerServiceDefinition service = ServerServiceDefinition.builder("grove.Conformance")
                    .addMethod(method(false), ServerCalls.asyncUnaryCall((request, response) -> {
                        response.onNext(request);
                        response.onCompleted();
                        // The answer is serialized by now; the server's own view can go.
                        if (request instanceof SharedObject so) {
                            so.close();
                        }
                    })).build();
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                    .build().start();
            System.out.println("port " + server.getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes stdin
            }
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    GrpcForyTransport() {
        server = ChildJvm.start(ChildPipeTransport.FLAGS, ServerMain.class);
        int port = Integer.parseInt(server.expect("port ", 60));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        method = method(true);
    }

    @Override
    public Object roundTrip(Object value, UnaryOperator<byte[]> wire) {
        WIRE.set(wire);
        try {
            return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    value);
        } finally {
            WIRE.remove();
        }
    }

    /** gRPC reports a server that cannot parse a request as a StatusRuntimeException. */
    @Override
    public boolean isDocumentedFailure(Throwable failure) {
        return failure instanceof StatusRuntimeException && server.isAlive();
    }

    @Override
    public String name() {
        return "gRPC + Fory, child JVM server";
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }
}

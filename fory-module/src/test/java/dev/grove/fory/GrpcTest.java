package dev.grove.fory;

import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gRPC between two JVMs on loopback, messages marshalled by Fory + Grove: an 80 MB shared array crosses
 * as a reference, an 80 MB ordinary array through the out-of-band bridge, and both arrive intact.
 */
class GrpcTest {
    static final List<String> FORY_FLAGS = List.of("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    @Test
    void largePayloadsCrossAsReferences() throws Exception {
        GrpcServerMain.BridgeMarshaller m = new GrpcServerMain.BridgeMarshaller(ForyBridge.of(Forys.fory(true, false, true)));
        double[] prices = new double[10_000_000];
        double[] plain = new double[10_000_000];
        for (int i = 0; i < prices.length; i++) {
            prices[i] = i % 1000;
            plain[i] = i % 7;
        }
        double expectedPrices = 0;
        double expectedPlain = 0;
        for (int i = 0; i < prices.length; i++) {
            expectedPrices += prices[i];
            expectedPlain += plain[i];
        }
        try (ChildJvm server = ChildJvm.start(FORY_FLAGS, GrpcServerMain.class);
             SharedDoubleArray shared = Grove.share(prices)) {
            int port = Integer.parseInt(server.expect("port ", 60));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                Forys.Payload request = new Forys.Payload();
                request.name = "request";
                request.prices = shared;
                request.anything = plain;
                Forys.Payload reply = (Forys.Payload) ClientCalls.blockingUnaryCall(channel,
                        GrpcServerMain.method(m), CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request);
                long requestBytes = m.bytesOut.get();
                System.out.printf("gRPC request with 160 MB of arrays: %d bytes on the wire%n", requestBytes);
                assertTrue(requestBytes < 512, "both large arrays crossed by reference: " + requestBytes);
                assertEquals("sum=" + expectedPrices, reply.name);
                assertEquals("array=" + expectedPlain + " length=" + plain.length, reply.label.toString());
                assertInstanceOf(SharedDoubleArray.class, reply.prices, "the view came back by reference");
                assertEquals(shared.path(), ((SharedObject) reply.prices).path());
                ((SharedObject) reply.prices).close();
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

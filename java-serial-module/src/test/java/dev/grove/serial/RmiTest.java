package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.test.ChildJvm;
import dev.grove.test.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Java RMI between two JVMs on loopback: shared objects and POJOs holding them cross as references in
 * both directions, with the server's strict serial filter on; the bytes on the wire are counted.
 */
class RmiTest {

    @Test
    void sharedObjectsCrossRmiAsReferences() throws Exception {
        double[] data = new double[10_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 100;
        }
        double expected = Arrays.stream(data).sum();
        try (ChildJvm server = ChildJvm.start(List.of("-Djava.rmi.server.hostname=127.0.0.1"), RmiServerMain.class);
             SharedDoubleArray shared = Grove.share(data)) {
            int port = Integer.parseInt(server.expect("registry ", 60));
            Registry registry = LocateRegistry.getRegistry("127.0.0.1", port, new RmiServerMain.CountingClientSockets());
            RmiServerMain.Analytics remote = (RmiServerMain.Analytics) registry.lookup("analytics");

            long before = RmiServerMain.CountingClientSockets.BYTES_SENT.get();
            assertEquals(expected, remote.sum(shared));
            long sent = RmiServerMain.CountingClientSockets.BYTES_SENT.get() - before;
            System.out.printf("RMI call with an 80 MB shared array: %d bytes sent%n", sent);
            assertTrue(sent < 2048, "the array crossed as a reference: " + sent);

            Payload p = new Payload();
            p.name = "pojo";
            p.prices = shared;
            Payload answer = remote.describe(p);
            assertEquals("pojo sum=" + expected, answer.name);
            assertInstanceOf(SharedDoubleArray.class, answer.prices, "the view came back by reference");
            assertEquals(shared.path(), ((SharedObject) answer.prices).path());
            ((SharedObject) answer.prices).close();

            try (SharedDoubleArray made = remote.make(1000)) {
                assertEquals(999.0, made.getDouble(999), "a region the server created, returned by reference");
            }
            server.send("stop");
            assertEquals("stopped", server.receive(30));
            assertEquals(0, server.waitFor(30), "registry and exported object unexported, JVM exits by itself");
        }
    }

    @AfterAll
    static void nothingLeaks() {
        Leaks.assertNoRegionsLeft(30);
    }
}

package dev.grove.conformance;

import dev.grove.SharedObject;
import dev.grove.test.ChildJvm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Java RMI between two JVMs on loopback. The message is serialized with java.io on the client (so the
 * kit can see and damage the bytes), carried by RMI, decoded and re-encoded by the server.
 */
class RmiTransport implements Transport {
    private final ChildJvm server;
    private final Echo echo;
    private final Codec codec = new Codec.JavaIoCodec();

    /** The remote interface. */
    public interface Echo extends Remote {
        byte[] echo(byte[] serialized) throws RemoteException, Exception;
    }

    /** The server process: registry and object, unexported on "stop" or when stdin closes. */
    public static final class ServerMain implements Echo {
        private final Codec codec = new Codec.JavaIoCodec();

        @Override
        public byte[] echo(byte[] serialized) throws Exception {
            Object received = codec.decode(serialized);
            try {
                return codec.encode(received);
            } finally {
                if (received instanceof SharedObject so) {
                    so.close();
                }
            }
        }

        public static void main(String[] args) throws Exception {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Registry registry = LocateRegistry.createRegistry(port);
            ServerMain impl = new ServerMain();
            registry.bind("echo", UnicastRemoteObject.exportObject(impl, 0));
            System.out.println("registry " + port);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // serve until stdin closes
            }
            registry.unbind("echo");
            UnicastRemoteObject.unexportObject(impl, true);
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    RmiTransport() throws Exception {
        server = ChildJvm.start(List.of("-Djava.rmi.server.hostname=127.0.0.1"), ServerMain.class);
        int port = Integer.parseInt(server.expect("registry ", 60));
        echo = (Echo) LocateRegistry.getRegistry("127.0.0.1", port).lookup("echo");
    }

    @Override
    public Object roundTrip(Object value, UnaryOperator<byte[]> wire) throws Exception {
        return codec.decode(echo.echo(wire.apply(codec.encode(value))));
    }

    /** RMI reports a failure in the server as a RemoteException (ServerException) carrying it. */
    @Override
    public boolean isDocumentedFailure(Throwable failure) {
        return failure instanceof RemoteException r && codec.isDocumented(r.getCause()) && server.isAlive()
                || codec.isDocumented(failure);
    }

    @Override
    public String name() {
        return "RMI, child JVM server";
    }

    @Override
    public void close() {
        server.close();
    }
}

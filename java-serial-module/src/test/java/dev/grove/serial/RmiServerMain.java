package dev.grove.serial;

import dev.grove.Grove;
import dev.grove.SharedDoubleArray;

import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An RMI server in a child JVM: prints {@code registry PORT}, serves until it reads {@code stop}, then
 * unexports its object and registry and exits. Its object is exported with Grove's strict serial filter.
 */
public final class RmiServerMain {
    private RmiServerMain() {
    }

    /** The remote interface. */
    public interface Analytics extends Remote {
        double sum(List<Double> values) throws RemoteException;

        Payload describe(Payload p) throws RemoteException;

        SharedDoubleArray make(int n) throws RemoteException;
    }

    static final class Impl implements Analytics {
        private final List<SharedDoubleArray> made = new java.util.ArrayList<>();

        @Override
        public double sum(List<Double> values) {
            SharedDoubleArray a = (SharedDoubleArray) values;
            double s = 0;
            for (long i = 0; i < a.length(); i++) {
                s += a.getDouble(i);
            }
            a.close();
            return s;
        }

        @Override
        public Payload describe(Payload p) {
            SharedDoubleArray a = (SharedDoubleArray) p.prices;
            double s = 0;
            for (long i = 0; i < a.length(); i++) {
                s += a.getDouble(i);
            }
            Payload out = new Payload();
            out.name = p.name + " sum=" + s;
            out.prices = a;
            return out;
        }

        @Override
        public SharedDoubleArray make(int n) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = i;
            }
            SharedDoubleArray a = Grove.share(d);
            synchronized (made) {
                made.add(a);
            }
            return a;
        }
    }

    /** Client sockets that count what the client sends: the bytes on the wire. */
    public static final class CountingClientSockets implements RMIClientSocketFactory, Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicLong BYTES_SENT = new AtomicLong();

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return new Socket(host, port) {
                private OutputStream out;

                @Override
                public synchronized OutputStream getOutputStream() throws IOException {
                    if (out == null) {
                        out = new FilterOutputStream(super.getOutputStream()) {
                            @Override
                            public void write(int b) throws IOException {
                                BYTES_SENT.incrementAndGet();
                                super.out.write(b);
                            }

                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                BYTES_SENT.addAndGet(len);
                                super.out.write(b, off, len);
                            }
                        };
                    }
                    return out;
                }
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CountingClientSockets;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    public static void main(String[] args) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Registry registry = LocateRegistry.createRegistry(port);
        Impl impl = new Impl();
        Remote stub = UnicastRemoteObject.exportObject(impl, 0, new CountingClientSockets(), null,
                GroveSerialFilter.strict("dev.grove.serial.Payload;java.rmi.*;java.lang.reflect.Proxy"));
        registry.bind("analytics", stub);
        System.out.println("registry " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            // serve
        }
        registry.unbind("analytics");
        UnicastRemoteObject.unexportObject(impl, true);
        UnicastRemoteObject.unexportObject(registry, true);
        synchronized (impl.made) {
            impl.made.forEach(SharedDoubleArray::close);
        }
        System.out.println("stopped");
    }
}

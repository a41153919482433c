package dev.grove.integrations;

import dev.grove.test.ChildJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs for the framework tests: the options Hazelcast and Dubbo want on JDK 25, free loopback ports. */
final class Children {
    /** What Hazelcast 5.7 and Dubbo 3.3 ask for on a modern JDK (reflection into the JDK, quietly). */
    static final List<String> FRAMEWORK_OPTIONS = List.of("-Xmx384m",
            "--add-modules=java.se", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Djava.net.preferIPv4Stack=true");

    private Children() {
    }

    static ChildJvm start(Class<?> main, String... args) {
        return start(List.of(), main, args);
    }

    static ChildJvm start(List<String> extraOptions, Class<?> main, String... args) {
        List<String> options = new ArrayList<>(FRAMEWORK_OPTIONS);
        options.addAll(extraOptions);
        return ChildJvm.start(options, main, args);
    }

    /** {@code n} loopback ports free a moment ago. */
    static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Only a probe.
                }
            }
        }
    }

    /**
     * Sends {@code command} to {@code child} and returns its answer (the line after the command's first
     * word); an answer that starts with {@code error} fails the test, with the stderr of the child and of
     * the {@code peers} it talks to.
     */
    static String ask(ChildJvm child, String command, ChildJvm... peers) {
        child.send(command);
        String answer = child.expect(command.split(" ")[0] + " ", 120);
        if (answer.startsWith("error")) {
            StringBuilder logs = new StringBuilder("\nchild " + child.pid() + ":\n" + child.stderr());
            for (ChildJvm peer : peers) {
                logs.append("\npeer ").append(peer.pid()).append(":\n").append(peer.stderr());
            }
            throw new AssertionError(command + " failed: " + answer + logs);
        }
        return answer;
    }

    /** The number after {@code key=} in an answer line. */
    static long number(String line, String key) {
        return Long.parseLong(word(line, key));
    }

    /** The word after {@code key=} in an answer line. */
    static String word(String line, String key) {
        int i = line.indexOf(key + "=");
        if (i < 0) {
            throw new AssertionError("no " + key + " in: " + line);
        }
        String rest = line.substring(i + key.length() + 1);
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }

    static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}

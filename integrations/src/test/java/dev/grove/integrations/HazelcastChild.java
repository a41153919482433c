package dev.grove.integrations;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import com.hazelcast.map.IMap;
import dev.grove.Grove;
import example.app.Unlisted;
import dev.grove.Pin;
import dev.grove.RegionStore;
import dev.grove.SharedDoubleArray;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Hazelcast 5.7 member or client in a child JVM, with Java serialization behind a strict whitelist that
 * admits only Grove ({@code dev.grove.}) and {@link SumTask}. Arguments: {@code member CLUSTER PORT PORTS
 * SIZE} (PORTS: every member's port, comma-separated; answers {@code ready} once the cluster has SIZE
 * members) or {@code client CLUSTER PORT}. Commands on stdin, one answer line each:
 * {@code put-view|put-plain|put-pinned KEY N SEED}, {@code put-unlisted KEY}, {@code get KEY N SEED}, {@code exec-view|exec-plain N
 * SEED} (runs a {@link SumTask} on another member), {@code allocated} (heap allocated by all threads so far), {@code remove KEY}, {@code unpin NAME},
 * {@code close-all}, {@code exit}.
 */
public final class HazelcastChild {
    private HazelcastChild() {
    }

    /** The whitelist every member and client uses: Hazelcast's own defaults, Grove, and the task. */
    static JavaSerializationFilterConfig filter() {
        JavaSerializationFilterConfig f = new JavaSerializationFilterConfig();
        f.setDefaultsDisabled(false);
        f.getWhitelist().addPrefixes("dev.grove.");
        f.getWhitelist().addClasses(SumTask.class.getName());
        return f;
    }

    public static void main(String[] args) throws Exception {
        String cluster = args[1];
        HazelcastInstance hz = args[0].equals("member") ? member(cluster, args[2], args[3], Integer.parseInt(args[4]))
                : client(cluster, args[2]);
        IMap<String, Object> map = hz.getMap("grove-it");
        List<SharedDoubleArray> held = new ArrayList<>();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] a = line.split(" ");
            try {
                System.out.println(a[0] + " " + run(hz, map, held, a));
            } catch (Exception | Error e) {
                System.out.println(a[0] + " error " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
                e.printStackTrace();
            }
            if (a[0].equals("exit")) {
                break;
            }
        }
        for (SharedDoubleArray v : held) {
            v.close();
        }
        hz.shutdown();
        System.exit(0);
    }

    private static String run(HazelcastInstance hz, IMap<String, Object> map, List<SharedDoubleArray> held, String[] a)
            throws Exception {
        switch (a[0]) {
            case "put-view", "put-plain", "put-pinned" -> {
                int n = Integer.parseInt(a[2]);
                int seed = Integer.parseInt(a[3]);
                double[] data = ProcStats.data(n, seed);
                if (a[0].equals("put-plain")) {
                    long w0 = ProcStats.writtenBytes();
                    map.set(a[1], data);
                    return "wchar=" + (ProcStats.writtenBytes() - w0);
                }
                SharedDoubleArray v = Grove.share(data);
                if (a[0].equals("put-view")) {
                    held.add(v);
                    long w0 = ProcStats.writtenBytes();
                    map.set(a[1], v);
                    return "wchar=" + (ProcStats.writtenBytes() - w0);
                }
                Pin pin = RegionStore.defaultStore().pin(v);
                map.set(a[1], v);
                v.close();
                return "pin=" + pin.name() + " path=" + pin.regionPath();
            }
            case "get" -> {
                int n = Integer.parseInt(a[2]);
                int seed = Integer.parseInt(a[3]);
                long heap0 = ProcStats.allocatedBytes();
                Object v = map.get(a[1]); // deserialized in this thread
                long heap = ProcStats.allocatedBytes() - heap0;
                String bad = ProcStats.mismatch(v, n, seed);
                long cost = map.getEntryView(a[1]).getCost();
                if (v instanceof SharedDoubleArray view) {
                    view.close();
                }
                return (bad == null ? "ok" : "bad " + bad) + " heap=" + heap + " cost=" + cost
                        + " type=" + v.getClass().getSimpleName();
            }
            case "exec-view", "exec-plain" -> {
                int n = Integer.parseInt(a[1]);
                int seed = Integer.parseInt(a[2]);
                Member other = hz.getCluster().getMembers().stream().filter(m -> !m.localMember()).findFirst().orElseThrow();
                double[] data = ProcStats.data(n, seed);
                SharedDoubleArray v = a[0].equals("exec-view") ? Grove.share(data) : null;
                long w0 = ProcStats.writtenBytes();
                String answer = hz.getExecutorService("grove-it").submitToMember(
                        new SumTask(v != null ? v : data, n, seed), other).get(60, TimeUnit.SECONDS);
                long written = ProcStats.writtenBytes() - w0;
                if (v != null) {
                    v.close();
                }
                return answer + " wchar=" + written;
            }
            case "put-unlisted" -> {
                map.set(a[1], new Unlisted());
                return "ok";
            }
            case "allocated" -> {
                return "bytes=" + ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                        .getThreadMXBean()).getTotalThreadAllocatedBytes();
            }
            case "remove" -> {
                map.delete(a[1]);
                return "ok";
            }
            case "unpin" -> {
                return RegionStore.defaultStore().unpin(a[1]) ? "ok" : "missing";
            }
            case "close-all" -> {
                held.forEach(SharedDoubleArray::close);
                held.clear();
                return "ok";
            }
            case "exit" -> {
                return "bye";
            }
            default -> throw new IllegalArgumentException("unknown command: " + a[0]);
        }
    }

    private static HazelcastInstance member(String cluster, String port, String ports, int size) throws InterruptedException {
        Config c = new Config();
        c.setClusterName(cluster);
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(Integer.parseInt(port)).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (String p : ports.split(",")) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        c.getSerializationConfig().setJavaSerializationFilterConfig(filter());
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (hz.getCluster().getMembers().size() < size && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return hz;
    }

    private static HazelcastInstance client(String cluster, String port) {
        ClientConfig c = new ClientConfig();
        c.setClusterName(cluster);
        c.setProperty("hazelcast.logging.type", "none");
        c.getNetworkConfig().addAddress("127.0.0.1:" + port);
        c.getSerializationConfig().setJavaSerializationFilterConfig(filter());
        return HazelcastClient.newHazelcastClient(c);
    }
}

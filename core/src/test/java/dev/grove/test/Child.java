package dev.grove.test;

import dev.grove.ArrayWriter;
import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedRef;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.io.BufferedReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM driven line by line over stdin, for tests across processes. Commands:
 * <ul>
 * <li>{@code map PATH}, {@code ref REF}: map and hold a view, answer its digest;
 * <li>{@code share N}: share and hold a double[N] of 0..N-1, answer its path (no reference: no lease);
 * <li>{@code read}: the digests of all held views (they must still be readable);
 * <li>{@code sum REF}: map and hold a view of nested lists of double arrays, answer the sum of its values;
 * <li>{@code publish K}: share a double[128] of K, take its reference, drop the view at once (the lease
 *     keeps it), answer the reference;
 * <li>{@code check REF K}: map the reference, check all 128 values are K, close, answer {@code ok};
 *     {@code check-any REF K} the same for an array of any length;
 *     {@code check-bytes HEX K} the same for a reference given as its reference bytes in hex;
 * <li>{@code share-recycled N}: share a double[N] and close it (a spare, if N is large), share another (made
 *     from that spare), take its reference, hold it, answer its path;
 * <li>{@code churn PROGRESS}: share, reference, map, read and release regions, small and recycled ones, in a loop
 *     until killed, marking each round in the {@link Progress} file PROGRESS;
 * <li>{@code sweep}: run a sweep of the store as any process may, answer the names it freed;
 * <li>{@code forget}: drop every held view without closing it (the garbage collector must release them);
 * <li>{@code fill REF FROM TO}: map a double array shared for writing, write {@code i * 0.5 + 1} into
 *     {@code [FROM, TO)}, close; {@code fill-matrix REF FROM TO ROWS}: the same for rows of an int matrix,
 *     {@code r * 1000 + c}; {@code hold-writable REF} / {@code close-writable}: keep a writable mapping open;
 * <li>{@code build-disk DIR N}: build a double array of N elements on the disk store DIR in chunks, seal, hold;
 * <li>{@code close-all}, {@code gc}, {@code exit}.
 * </ul>
 * Every command answers one line: its name and result, or {@code error <class> <message>}.
 */
public final class Child {
    private Child() {
    }

    /** What a view holds, as a short stable digest both sides can compute. */
    public static String digest(Object v) {
        String s = String.valueOf(Graphs.canon(v));
        return s.length() + ":" + Integer.toHexString(s.hashCode());
    }

    /** The sum of every double in a view of nested lists and double arrays. */
    public static double sum(Object v) {
        if (v instanceof SharedDoubleArray a) {
            return a.doubleStream().sum();
        }
        double s = 0;
        for (Object e : (List<?>) v) {
            s += sum(e);
        }
        return s;
    }

    public static void main(String[] args) throws Exception {
        List<SharedObject> held = new ArrayList<>();
        ArrayWriter<?> writer = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ", 2);
            try {
                switch (w[0]) {
                    case "map" -> {
                        SharedObject v = Grove.map(w[1]);
                        held.add(v);
                        System.out.println("map " + digest(v));
                    }
                    case "ref" -> {
                        SharedObject v = Grove.map(SharedRef.parse(w[1]));
                        held.add(v);
                        System.out.println("ref " + digest(v));
                    }
                    case "share" -> {
                        double[] d = new double[Integer.parseInt(w[1])];
                        for (int i = 0; i < d.length; i++) {
                            d[i] = i;
                        }
                        SharedDoubleArray v = Grove.share(d);
                        held.add(v);
                        System.out.println("share " + v.path());
                    }
                    case "share-recycled" -> {
                        double[] d = new double[Integer.parseInt(w[1])];
                        Grove.share(d).close();
                        for (int i = 0; i < d.length; i++) {
                            d[i] = i;
                        }
                        SharedDoubleArray v = Grove.share(d);
                        v.ref();
                        held.add(v);
                        System.out.println("share-recycled " + v.path());
                    }
                    case "build-disk" -> {
                        // build-disk DIR N: a double array of N elements (i % 1000) built on the disk store DIR in
                        // 8 MiB chunks (no heap copy of the whole), sealed and held; answer its reference
                        String[] f = w[1].split(" ");
                        long n = Long.parseLong(f[1]);
                        ArrayWriter<SharedDoubleArray> aw = dev.grove.RegionStore.open(java.nio.file.Path.of(f[0]))
                                .allocate(SharedDoubleArray.class, n);
                        double[] chunk = new double[1 << 20];
                        for (long at = 0; at < n; at += chunk.length) {
                            int len = (int) Math.min(chunk.length, n - at);
                            for (int i = 0; i < len; i++) {
                                chunk[i] = (at + i) % 1000;
                            }
                            aw.put(at, len == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, len));
                        }
                        SharedDoubleArray v = aw.seal();
                        held.add(v);
                        System.out.println("build-disk " + v.ref());
                    }
                    case "fill" -> {
                        // fill REF FROM TO: write i * 0.5 + 1 into elements [FROM, TO) of a double array shared for writing
                        String[] f = w[1].split(" ");
                        try (ArrayWriter<SharedDoubleArray> aw = Grove.mapWritable(SharedRef.parse(f[0]), SharedDoubleArray.class)) {
                            MemorySegment seg = aw.segment();
                            for (long i = Long.parseLong(f[1]), to = Long.parseLong(f[2]); i < to; i++) {
                                seg.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i * 0.5 + 1);
                            }
                        }
                        System.out.println("fill ok");
                    }
                    case "fill-matrix" -> {
                        // fill-matrix REF FROM TO: write r * 1000 + c into rows [FROM, TO) of an int matrix
                        String[] f = w[1].split(" ");
                        try (ArrayWriter<SharedMatrix> aw = Grove.mapWritable(SharedRef.parse(f[0]), SharedMatrix.class)) {
                            long cols = aw.length() / Long.parseLong(f[3]);
                            for (long r = Long.parseLong(f[1]), to = Long.parseLong(f[2]); r < to; r++) {
                                for (long c = 0; c < cols; c++) {
                                    aw.segment().setAtIndex(ValueLayout.JAVA_INT, r * cols + c, (int) (r * 1000 + c));
                                }
                            }
                        }
                        System.out.println("fill-matrix ok");
                    }
                    case "hold-writable" -> {
                        writer = Grove.mapWritable(SharedRef.parse(w[1]), SharedDoubleArray.class);
                        System.out.println("hold-writable " + writer.length());
                    }
                    case "close-writable" -> {
                        writer.close();
                        System.out.println("close-writable ok");
                    }
                    case "unpin" -> System.out.println("unpin " + dev.grove.RegionStore.defaultStore().unpin(w[1]));
                    case "sweep" -> System.out.println("sweep " + String.join(" ",
                            Regions.sweep(StoreDir.defaultStore(), 0)));
                    case "ref-of" -> {
                        // A reference to a view held here: starts (or extends) its lease.
                        System.out.println("ref-of " + held.get(Integer.parseInt(w[1])).ref());
                    }
                    case "read" -> {
                        StringBuilder sb = new StringBuilder("read");
                        for (SharedObject v : held) {
                            sb.append(' ').append(digest(v));
                        }
                        System.out.println(sb);
                    }
                    case "publish" -> {
                        double[] d = new double[128];
                        java.util.Arrays.fill(d, Double.parseDouble(w[1]));
                        try (SharedDoubleArray v = Grove.share(d)) {
                            System.out.println("publish " + v.ref());
                        }
                    }
                    case "publish-once" -> {
                        // publish-once K N: N doubles, all K, shared and closed at once behind a consumed-once reference
                        String[] a = w[1].split(" ");
                        double[] d = new double[Integer.parseInt(a[1])];
                        java.util.Arrays.fill(d, Double.parseDouble(a[0]));
                        try (SharedDoubleArray v = Grove.share(d)) {
                            System.out.println("publish-once " + v.ref(dev.grove.Delivery.ONCE));
                        }
                    }
                    case "check" -> {
                        String[] a = w[1].split(" ");
                        double k = Double.parseDouble(a[1]);
                        try (SharedDoubleArray v = Grove.map(SharedRef.parse(a[0]))) {
                            boolean ok = v.length() == 128 && v.doubleStream().allMatch(x -> x == k);
                            System.out.println(ok ? "check ok" : "error WrongContent " + v);
                        }
                    }
                    case "sum" -> {
                        SharedObject v = Grove.map(SharedRef.parse(w[1]));
                        held.add(v);
                        System.out.println("sum " + sum(v));
                    }
                    case "check-any" -> {
                        String[] a = w[1].split(" ");
                        double k = Double.parseDouble(a[1]);
                        boolean ok;
                        String path;
                        try (SharedDoubleArray v = Grove.map(SharedRef.parse(a[0]))) {
                            ok = v.doubleStream().allMatch(x -> x == k);
                            path = v.path();
                        }
                        // Answered once the view is closed: the sender may count on the release.
                        System.out.println(ok ? "check ok" : "error WrongContent " + path);
                    }
                    case "check-bytes" -> {
                        // As check-any, for a reference sent as its reference bytes in hex.
                        String[] a = w[1].split(" ");
                        double k = Double.parseDouble(a[1]);
                        boolean ok;
                        try (SharedDoubleArray v = Grove.map(SharedRef.fromBytes(java.util.HexFormat.of().parseHex(a[0])))) {
                            ok = v.doubleStream().allMatch(x -> x == k);
                        }
                        System.out.println(ok ? "check ok" : "error WrongContent");
                    }
                    case "churn" -> {
                        Progress progress = Progress.open(java.nio.file.Path.of(w[1]));
                        System.out.println("churn started");
                        double[] large = new double[1 << 17]; // 1 MiB: closed ones become spares, reused next
                        for (long i = 0; ; i++) {
                            double[] d = i % 2 == 0 ? new double[1 + (int) (i % 5000)] : large;
                            progress.enter();
                            try (SharedDoubleArray v = Grove.share(d)) {
                                SharedDoubleArray again = i % 3 == 0 ? Grove.map(v.ref()) : Grove.map(v.path());
                                try (again) {
                                    again.getDouble(d.length - 1);
                                }
                            }
                            progress.leave();
                        }
                    }
                    case "recycle" -> {
                        // Shares and closes at once, round after round: every region becomes the next one's spare.
                        java.util.Random random = new java.util.Random();
                        double[] d = new double[1 << 17];
                        for (int k = 0, n = Integer.parseInt(w[1]); k < n; k++) {
                            java.util.Arrays.fill(d, k);
                            try (SharedDoubleArray v = Grove.share(d)) {
                                System.out.println("recycle " + v.path() + " " + k);
                                Thread.sleep(random.nextInt(3));
                            }
                        }
                        System.out.println("recycle done");
                    }
                    case "close-one" -> {
                        held.remove(Integer.parseInt(w[1])).close();
                        System.out.println("close-one ok");
                    }
                    case "close-all" -> {
                        held.forEach(SharedObject::close);
                        held.clear();
                        System.out.println("close-all ok");
                    }
                    case "forget" -> {
                        held.clear();
                        System.out.println("forget ok");
                    }
                    case "gc" -> {
                        System.gc();
                        System.out.println("gc ok");
                    }
                    case "exit" -> {
                        System.out.println("exit ok");
                        return;
                    }
                    default -> System.out.println("error unknown-command " + w[0]);
                }
            } catch (GroveException e) {
                System.out.println("error " + e.getClass().getSimpleName() + " "
                        + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"));
            }
        }
    }
}

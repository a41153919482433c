package dev.grove.test;

import dev.grove.Grove;
import dev.grove.GroveException;
import dev.grove.SharedDoubleArray;
import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM driven line by line over stdin, for tests across processes. Commands: {@code map PATH},
 * {@code ref REF}, {@code share N} (a double[N] of 0..N-1), {@code close-all}, {@code gc}, {@code exit}.
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

    public static void main(String[] args) throws Exception {
        List<SharedObject> held = new ArrayList<>();
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
                        System.out.println("share " + v.ref());
                    }
                    case "close-all" -> {
                        held.forEach(SharedObject::close);
                        held.clear();
                        System.out.println("close-all ok");
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
                System.out.println("error " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
    }
}

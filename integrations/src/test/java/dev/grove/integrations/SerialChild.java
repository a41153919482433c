package dev.grove.integrations;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads java.io serialized objects (base64, one per line: {@code read B64 N SEED}) with a plain
 * {@link ObjectInputStream} under whatever JVM-wide filter {@code -Djdk.serialFilter} set, and answers
 * whether it read the expected data and which classes the filter was asked about.
 */
public final class SerialChild {
    private SerialChild() {
    }

    public static void main(String[] args) throws Exception {
        ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
        System.out.println("ready filter=" + global);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
            String[] a = line.split(" ");
            Set<String> asked = new TreeSet<>();
            try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(a[1])))) {
                // Records what the JVM-wide filter decides on, then lets it decide.
                ois.setObjectInputFilter(info -> {
                    if (info.serialClass() != null) {
                        asked.add(info.serialClass().getName());
                    }
                    return global.checkInput(info);
                });
                Object o = ois.readObject();
                String bad = ProcStats.mismatch(o, Integer.parseInt(a[2]), Integer.parseInt(a[3]));
                if (o instanceof AutoCloseable c) {
                    c.close();
                }
                System.out.println("read " + (bad == null ? "ok" : "bad " + bad) + " classes=" + String.join(",", asked));
            } catch (Exception e) {
                System.out.println("read refused " + e.getClass().getName() + " classes=" + String.join(",", asked));
            }
        }
    }
}

package dev.grove.fory;

import dev.grove.test.Child;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A child JVM that reads base64 bridge messages line by line, deserializes each with the same Fory setup
 * as the parent, and answers the digest of what arrived (of a Payload: of its {@code anything} field).
 */
public final class ForyChild {
    private ForyChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean threadSafe = args.length > 0 && args[0].equals("thread-safe");
        ForyBridge bridge = ForyBridge.of(Forys.fory(true, false, threadSafe));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            try {
                Object o = bridge.deserialize(Base64.getDecoder().decode(line));
                Object inner = o instanceof Forys.Payload p ? p.anything : o;
                System.out.println("digest " + Child.digest(inner));
                if (inner instanceof AutoCloseable c) {
                    c.close();
                }
            } catch (RuntimeException e) {
                System.out.println("error " + e);
            }
        }
    }
}

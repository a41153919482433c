package dev.grove.conformance;

import dev.grove.SharedObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The peer of the child-JVM bindings: reads base64 messages line by line, decodes each with the codec
 * named in its argument, and answers the re-encoded value, or {@code error <class> <message>}.
 */
public final class EchoPeer {
    private EchoPeer() {
    }

    public static void main(String[] args) throws Exception {
        Codec codec = Codec.named(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            Object received = null;
            try {
                received = codec.decode(Base64.getDecoder().decode(line));
                System.out.println("ok " + Base64.getEncoder().encodeToString(codec.encode(received)));
            } catch (Exception e) {
                System.out.println("error " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
            } finally {
                if (received instanceof SharedObject so) {
                    so.close();
                }
            }
        }
    }
}

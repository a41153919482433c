package dev.grove.conformance;

import dev.grove.SharedObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The peer of the child-JVM bindings: reads {@code <n> <base64>} lines, decodes each message with the
 * codec named in its first argument, and answers {@code <n> ok <base64 of the re-encoded value>} or
 * {@code <n> error <class> <message>}, then closes what it decoded; with a second argument {@code keep}, it keeps
 * every view instead (a broken peer, for the kit's own tests).
 */
public final class EchoPeer {
    private EchoPeer() {
    }

    public static void main(String[] args) throws Exception {
        Codec codec = Codec.named(args[0]);
        boolean keep = args.length > 1 && args[1].equals("keep");
        java.util.List<Object> kept = new java.util.ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] request = line.split(" ", 2);
            String n = request[0];
            Object received = null;
            try {
                received = codec.decode(Base64.getDecoder().decode(request[1]));
                System.out.println(n + " ok " + Base64.getEncoder().encodeToString(codec.encode(received)));
            } catch (Exception e) {
                // One line per answer: a damaged path may put line breaks into the message.
                System.out.println(n + " error " + e.getClass().getName() + " "
                        + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"));
            } finally {
                if (keep) {
                    kept.add(received);
                } else if (received instanceof SharedObject so) {
                    so.close();
                }
            }
        }
    }
}

package dev.grove.serial;

import dev.grove.test.Child;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A child JVM reading base64 object streams line by line with a plain ObjectInputStream; answers digests. */
public final class SerialChild {
    private SerialChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            try {
                Object o = Streams.read(Base64.getDecoder().decode(line));
                System.out.println("digest " + Child.digest(o instanceof Payload p ? p.data : o));
                if (o instanceof AutoCloseable c) {
                    c.close();
                }
            } catch (Exception e) {
                System.out.println("error " + e);
            }
        }
    }
}

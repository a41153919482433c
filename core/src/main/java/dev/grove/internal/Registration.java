package dev.grove.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One namespace registration: what the directory of names ({@link Names}) holds for a variable and what its
 * pin file says, in one text form. Apart from {@code Names} so that listing pins ({@code grove ls}) never loads
 * Chronicle Map.
 *
 * @param namespace        the namespace
 * @param variable         the variable's name
 * @param ref              the reference text ({@code SharedRef.toString()})
 * @param regionName       the region the variable keeps
 * @param type             the view type and shape
 * @param bytes            the region's size
 * @param registeredMillis when, in epoch milliseconds
 * @param pid              the registering process
 * @param user             the user it ran as
 * @param pin              the registration pin's name
 */
public record Registration(String namespace, String variable, String ref, String regionName, String type,
                           long bytes, long registeredMillis, long pid, String user, String pin) {

    /** First line of a registration pin's text; identifies the pin as a namespace registration. */
    static final String MAGIC = "grove-namespace 1";

    /** The text form: the magic line, then each field as its length, a colon and the field. */
    public String text() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        for (String f : List.of(namespace, variable, ref, regionName, type, Long.toString(bytes),
                Long.toString(registeredMillis), Long.toString(pid), user, pin)) {
            b.append(f.length()).append(':').append(f);
        }
        return b.toString();
    }

    /** The registration a text holds, or null if the text is not one (an ordinary pin, say). */
    public static Registration parse(CharSequence text) {
        String s = text.toString();
        if (!s.startsWith(MAGIC + "\n")) {
            return null;
        }
        List<String> f = new ArrayList<>();
        int at = MAGIC.length() + 1;
        try {
            while (at < s.length()) {
                int colon = s.indexOf(':', at);
                int len = Integer.parseInt(s, at, colon, 10);
                f.add(s.substring(colon + 1, colon + 1 + len));
                at = colon + 1 + len;
            }
            return new Registration(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), Long.parseLong(f.get(5)),
                    Long.parseLong(f.get(6)), Long.parseLong(f.get(7)), f.get(8), f.get(9));
        } catch (RuntimeException e) {
            return null; // damaged: treated as no registration
        }
    }

    /** The registration pin {@code pin} of the store at {@code storeDir} holds, or null if it is not one. */
    public static Registration ofPin(java.nio.file.Path storeDir, String pin) {
        byte[] content = Pins.content(storeDir, pin);
        return content == null ? null : parse(new String(content, java.nio.charset.StandardCharsets.UTF_8));
    }
}

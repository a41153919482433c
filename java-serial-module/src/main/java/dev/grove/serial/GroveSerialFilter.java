package dev.grove.serial;

import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.io.ObjectInputFilter;

/**
 * {@link ObjectInputFilter}s that admit Grove's serialization proxies, so that untrusted inputs (RMI,
 * sockets, caches) can keep strict filters on. The proxies only carry a path and an id, and resolving them
 * maps a region that must belong to the same user; they cannot make the reader build arbitrary objects.
 */
public final class GroveSerialFilter {
    private GroveSerialFilter() {
    }

    /**
     * Whether {@code c} is one of Grove's proxy classes, or a view or reference class a proxy resolves to
     * (the JDK filters the result of {@code readResolve} too). Views refuse to be read other than through
     * their proxy.
     */
    public static boolean isGroveProxy(Class<?> c) {
        // The proxy is package-private in dev.grove (like java.time's), so it is known by its package.
        return c.getPackageName().equals("dev.grove") && (c == SharedRef.class || SharedObject.class.isAssignableFrom(c)
                || c.getSimpleName().equals("SerialProxy"));
    }

    /**
     * Allows Grove's proxies, asks {@code next} about everything else (and rejects what it leaves
     * undecided only if {@code next} says so).
     */
    public static ObjectInputFilter allowGroveThen(ObjectInputFilter next) {
        return info -> {
            Class<?> c = info.serialClass();
            if (c != null && isGroveProxy(c)) {
                return ObjectInputFilter.Status.ALLOWED;
            }
            return next == null ? ObjectInputFilter.Status.UNDECIDED : next.checkInput(info);
        };
    }

    /**
     * A strict filter: Grove's proxies, the classes matched by {@code patterns} (in
     * {@link ObjectInputFilter.Config#createFilter} syntax, e.g. {@code "com.example.*"}), primitive arrays
     * and {@code java.lang} value types; everything else is rejected.
     */
    public static ObjectInputFilter strict(String patterns) {
        String base = (patterns == null || patterns.isBlank() ? "" : patterns + ";")
                + "java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Double;"
                + "java.lang.Float;java.lang.Short;java.lang.Byte;java.lang.Character;java.lang.Boolean;"
                + "java.lang.Enum;java.util.ArrayList;java.util.HashMap;java.util.LinkedHashMap;!*";
        ObjectInputFilter patternFilter = ObjectInputFilter.Config.createFilter(base);
        return info -> {
            Class<?> c = info.serialClass();
            if (c == null) {
                return info.depth() > 100 ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
            }
            if (isGroveProxy(c) || (c.isArray() && c.getComponentType().isPrimitive())) {
                return ObjectInputFilter.Status.ALLOWED;
            }
            return patternFilter.checkInput(info);
        };
    }
}

package dev.grove.check;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Readable, bounded text for generated values in failure reports: arrays with their type and contents,
 * strings quoted with every non-printable or surrogate unit escaped, long strings and big containers cut
 * with a count of what was left out.
 */
final class Describe {
    private static final int MAX_ITEMS = 24;
    private static final int MAX_CHARS = 80;
    private static final int MAX_DEPTH = 12;

    private Describe() {
    }

    static String of(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v, 0);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            b.append("...");
        } else if (v == null) {
            b.append("null");
        } else if (v instanceof CharSequence s) {
            string(b, s.toString());
        } else if (v instanceof Character c) {
            b.append('\'');
            unit(b, c);
            b.append('\'');
        } else if (v instanceof Float || v instanceof Double) {
            number(b, ((Number) v).doubleValue(), v);
        } else if (v.getClass().isArray()) {
            b.append(v.getClass().getComponentType().getSimpleName()).append('[');
            int n = Array.getLength(v);
            for (int i = 0; i < Math.min(n, MAX_ITEMS); i++) {
                b.append(i > 0 ? ", " : "");
                append(b, Array.get(v, i), depth + 1);
            }
            more(b, n).append(']');
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (i++ == MAX_ITEMS) {
                    break;
                }
                b.append(i > 1 ? ", " : "");
                append(b, e.getKey(), depth + 1);
                b.append('=');
                append(b, e.getValue(), depth + 1);
            }
            more(b, m.size()).append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            Iterator<?> it = c.iterator();
            for (int i = 0; i < MAX_ITEMS && it.hasNext(); i++) {
                b.append(i > 0 ? ", " : "");
                append(b, it.next(), depth + 1);
            }
            more(b, c.size()).append(']');
        } else if (v instanceof Record r) {
            record(b, r, depth);
        } else {
            b.append(escape(String.valueOf(v))); // a toString may hold any generated text
        }
    }

    /**
     * {@code s} with every unit a console or an XML report cannot carry written as {@code \\uXXXX}: lone
     * surrogates, control characters other than line breaks and tabs, and U+FFFE / U+FFFF. Surrogate pairs stay.
     */
    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean bad = !pair && (Character.isSurrogate(c) || c < 0x20 && c != '\n' && c != '\r' && c != '\t'
                    || c >= 0x7f && c < 0xa0 || c == 0xfffe || c == 0xffff);
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (bad) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
            if (pair) {
                if (b != null) {
                    b.append(s.charAt(i + 1));
                }
                i++;
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * {@code t} itself if its text and its causes' are printable; otherwise a stand-in that prints the same class
     * name and the escaped message, with the same stack trace and escaped causes.
     */
    static Throwable escaped(Throwable t) {
        if (t == null || printable(t)) {
            return t;
        }
        Escaped e = new Escaped(t.getClass().getName(), escape(String.valueOf(t.getMessage())), escaped(t.getCause()));
        e.setStackTrace(t.getStackTrace());
        return e;
    }

    private static boolean printable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !escape(m).equals(m)) {
                return false;
            }
        }
        return true;
    }

    /** A failure whose message held units a report cannot carry, retold with them escaped. */
    static final class Escaped extends AssertionError {
        private final String type;

        Escaped(String type, String message, Throwable cause) {
            super(message, cause);
            this.type = type;
        }

        @Override
        public String toString() {
            return type + " (message escaped): " + getMessage();
        }
    }

    private static void record(StringBuilder b, Record r, int depth) {
        b.append(r.getClass().getSimpleName()).append('[');
        java.lang.reflect.RecordComponent[] parts = r.getClass().getRecordComponents();
        for (int i = 0; i < parts.length; i++) {
            b.append(i > 0 ? ", " : "").append(parts[i].getName()).append('=');
            try {
                java.lang.reflect.Method accessor = parts[i].getAccessor();
                accessor.setAccessible(true);
                append(b, accessor.invoke(r), depth + 1);
            } catch (ReflectiveOperationException | RuntimeException e) {
                b.append('?');
            }
        }
        b.append(']');
    }

    private static StringBuilder more(StringBuilder b, int n) {
        return n > MAX_ITEMS ? b.append(", ... ").append(n - MAX_ITEMS).append(" more (").append(n).append(" in all)") : b;
    }

    private static void number(StringBuilder b, double d, Object boxed) {
        if (Double.isNaN(d)) {
            // NaNs differ only in their bits, which is what a failure about them is about.
            long bits = boxed instanceof Float f ? Float.floatToRawIntBits(f) : Double.doubleToRawLongBits(d);
            b.append("NaN(0x").append(Long.toHexString(bits)).append(')');
        } else {
            b.append(boxed).append(boxed instanceof Float ? "f" : "");
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < Math.min(s.length(), MAX_CHARS); i++) {
            unit(b, s.charAt(i));
        }
        b.append('"');
        if (s.length() > MAX_CHARS) {
            b.append("... (").append(s.length()).append(" chars)");
        }
    }

    private static void unit(StringBuilder b, char c) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '\'') {
            b.append(c);
        } else {
            b.append(String.format("\\u%04x", (int) c));
        }
    }
}

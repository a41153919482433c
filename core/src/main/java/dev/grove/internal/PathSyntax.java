package dev.grove.internal;

import dev.grove.InvalidPathException;

import java.util.Arrays;

/**
 * Parses region paths: {@code /name} optionally followed by 0-based indices, {@code /name[3][50]}.
 * Names are letters, digits, '_' and '-'; indices are plain decimal numbers without sign, spaces or
 * leading zeros.
 */
public final class PathSyntax {
    private PathSyntax() {
    }

    /** A parsed path. */
    public record Parsed(String name, long[] indices) {
        /** The path of the region root followed by the first {@code depth} indices. */
        public String prefix(int depth) {
            StringBuilder sb = new StringBuilder("/").append(name);
            for (int i = 0; i < depth; i++) {
                sb.append('[').append(indices[i]).append(']');
            }
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parsed p && p.name.equals(name) && Arrays.equals(p.indices, indices);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(indices);
        }

        @Override
        public String toString() {
            return prefix(indices.length);
        }
    }

    public static Parsed parse(String path) {
        if (path == null) {
            throw new NullPointerException("path");
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw bad(path, 0, "expected '/' and a region name");
        }
        int i = 1;
        int n = path.length();
        while (i < n && isNameChar(path.charAt(i))) {
            i++;
        }
        if (i == 1) {
            throw bad(path, i, "expected a region name");
        }
        if (i - 1 > 200) {
            throw bad(path, 1, "region name longer than 200 characters");
        }
        String name = path.substring(1, i);
        long[] indices = new long[4];
        int count = 0;
        while (i < n) {
            if (path.charAt(i) != '[') {
                throw bad(path, i, "expected '['");
            }
            int start = ++i;
            long value = 0;
            while (i < n && path.charAt(i) >= '0' && path.charAt(i) <= '9') {
                int d = path.charAt(i) - '0';
                if (value > (Long.MAX_VALUE - d) / 10) {
                    throw bad(path, start, "index too large");
                }
                value = value * 10 + d;
                i++;
            }
            if (i == start) {
                throw bad(path, i, i < n && path.charAt(i) == '-' ? "negative index" : "expected a decimal index");
            }
            if (path.charAt(start) == '0' && i - start > 1) {
                // One spelling per path: the wire id binds the path's text.
                throw bad(path, start, "leading zero in an index");
            }
            if (i >= n || path.charAt(i) != ']') {
                throw bad(path, i, "expected ']'");
            }
            i++;
            if (count == indices.length) {
                indices = Arrays.copyOf(indices, count * 2);
            }
            indices[count++] = value;
        }
        return new Parsed(name, Arrays.copyOf(indices, count));
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private static InvalidPathException bad(String path, int at, String what) {
        return new InvalidPathException("malformed path: path=" + path + " at=" + at + " problem=" + what);
    }
}

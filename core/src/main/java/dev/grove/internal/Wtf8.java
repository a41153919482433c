package dev.grove.internal;

import dev.grove.RegionCorruptException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Strings as UTF-8, extended to carry unpaired surrogates (WTF-8): a Java string may hold a lone
 * surrogate, plain UTF-8 cannot, and Grove must give back exactly the string it was given. Strings
 * without lone surrogates are ordinary UTF-8 and take the JDK's fast paths both ways.
 */
public final class Wtf8 {
    private Wtf8() {
    }

    /** Whether {@code s} holds an unpaired surrogate, so plain UTF-8 cannot carry it. */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** The bytes of {@code s}: UTF-8, with each unpaired surrogate as its own 3-byte sequence. */
    public static byte[] encode(String s) {
        if (!hasLoneSurrogate(s)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[s.length() * 3];
        int p = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return java.util.Arrays.copyOf(out, p);
    }

    /**
     * Decodes {@code length} bytes at {@code offset}. With {@code wtf8} false the bytes are plain UTF-8
     * (the JDK replaces malformed input); with it true malformed input is a corrupt region.
     */
    public static String decode(MemorySegment seg, long offset, int length, boolean wtf8, String path) {
        byte[] b = new byte[length];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        if (!wtf8) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return decodeWtf8(b, offset, path);
    }

    /**
     * As {@link #decode}, but malformed bytes are corrupt under either aux value: for map keys and column names,
     * which must be distinct as stored bytes, and so must be well-formed for equal names to have equal bytes.
     */
    public static String decodeStrict(MemorySegment seg, long offset, int length, boolean wtf8, String path) {
        byte[] b = new byte[length];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        if (wtf8) {
            return decodeWtf8(b, offset, path);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw malformed(path, offset);
        }
    }

    /**
     * WTF-8 as docs/FORMAT.md defines it: shortest-form UTF-8 in which a lone surrogate may stand as its 3-byte
     * sequence, but a surrogate pair never does (it is written as the 4-byte sequence of its code point).
     */
    private static String decodeWtf8(byte[] b, long offset, String path) {
        int length = b.length;
        StringBuilder sb = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int b0 = b[i] & 0xFF;
            int need = b0 < 0x80 ? 0 : b0 < 0xC0 ? -1 : b0 < 0xE0 ? 1 : b0 < 0xF0 ? 2 : b0 < 0xF8 ? 3 : -1;
            if (need < 0 || i + need >= length) {
                throw malformed(path, offset + i);
            }
            int cp = need == 0 ? b0 : b0 & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int bk = b[i + k] & 0xFF;
                if ((bk & 0xC0) != 0x80) {
                    throw malformed(path, offset + i + k);
                }
                cp = (cp << 6) | (bk & 0x3F);
            }
            boolean overlong = need == 1 && cp < 0x80 || need == 2 && cp < 0x800 || need == 3 && cp < 0x10000;
            boolean splitPair = Character.isLowSurrogate((char) cp) && cp <= 0xFFFF && !sb.isEmpty()
                    && Character.isHighSurrogate(sb.charAt(sb.length() - 1)) && i >= 3 && (b[i - 3] & 0xFF) == 0xED;
            if (cp > Character.MAX_CODE_POINT || overlong || splitPair) {
                throw malformed(path, offset + i);
            }
            sb.appendCodePoint(cp);
            i += need + 1;
        }
        return sb.toString();
    }

    private static RegionCorruptException malformed(String path, long at) {
        return new RegionCorruptException("malformed string bytes: path=" + path + " offset=" + at);
    }
}

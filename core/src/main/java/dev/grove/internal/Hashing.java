package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The hash of map keys in the format: 64-bit FNV-1a over the key's UTF-8 bytes. */
public final class Hashing {
    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Hashing() {
    }

    public static long fnv1a(byte[] b) {
        long h = OFFSET_BASIS;
        for (byte x : b) {
            h = (h ^ (x & 0xFF)) * PRIME;
        }
        return h;
    }

    public static long fnv1a(MemorySegment seg, long offset, long length) {
        long h = OFFSET_BASIS;
        for (long i = 0; i < length; i++) {
            h = (h ^ (seg.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF)) * PRIME;
        }
        return h;
    }
}

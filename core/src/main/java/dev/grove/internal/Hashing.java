package dev.grove.internal;

/** The hash of map keys and of paths in wire ids: 64-bit FNV-1a over UTF-8 bytes. */
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
}

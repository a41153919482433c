package dev.grove.test;

/** Finding things in serialized bytes, to damage them on purpose. */
public final class Bytes {
    private Bytes() {
    }

    /** The first index of {@code needle} in {@code hay}; fails the test if absent. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}

package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Wtf8;

import java.lang.foreign.MemorySegment;

/**
 * A shared string, decoded from its UTF-8 bytes the first time its characters are needed. Two shared
 * strings are equal when their text is; compare with a {@link String} through {@link #contentEquals}
 * or {@link #toString()}.
 */
public final class SharedString extends SingleView implements CharSequence, Comparable<SharedString> {
    /** The encoded text, a read-only slice of the region. */
    private final MemorySegment bytes;
    /** Whether the bytes are WTF-8 (an unpaired surrogate is encoded), so malformed bytes mean a corrupt region. */
    private final boolean wtf8;
    /** The decoded text, set the first time it is needed. */
    private String text;

    SharedString(String path, Hold hold, MemorySegment bytes, boolean wtf8) {
        super(path, hold);
        this.bytes = bytes.asReadOnly();
        this.wtf8 = wtf8;
    }

    private String text() {
        h.check();
        String t = text;
        if (t == null) {
            try {
                t = Wtf8.decode(bytes, 0, (int) bytes.byteSize(), wtf8, h.path());
            } catch (IllegalStateException | InternalError e) {
                throw h.fault(e);
            }
            text = t;
        }
        return t;
    }

    /** Length of the encoded text in bytes (UTF-8), known without decoding. */
    public long utf8Length() {
        return bytes.byteSize();
    }

    @Override
    public int length() {
        return text().length();
    }

    @Override
    public char charAt(int index) {
        return text().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text().subSequence(start, end);
    }

    /** Whether this string's text equals {@code other}'s. */
    public boolean contentEquals(CharSequence other) {
        return text().contentEquals(other);
    }

    @Override
    public int compareTo(SharedString o) {
        return text().compareTo(o.text());
    }

    /** The text, as an ordinary {@link String}. */
    @Override
    public String toString() {
        return text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedString s && text().equals(s.text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return bytes;
    }
}

package dev.grove.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

/**
 * The reading side of {@link SharingObjectOutputStream}: an {@link ObjectInputStream} whose filter admits
 * Grove's proxies before consulting the stream's own (or JVM-wide) filter. A plain
 * {@code ObjectInputStream} reads the same bytes when its filter allows the proxies.
 */
public final class SharingObjectInputStream extends ObjectInputStream {
    /** A stream whose filter is Grove's proxies first, then the JVM-wide serial filter, if any. */
    public SharingObjectInputStream(InputStream in) throws IOException {
        this(in, ObjectInputFilter.Config.getSerialFilter());
    }

    /** A stream whose filter is Grove's proxies first, then {@code filter}. */
    public SharingObjectInputStream(InputStream in, ObjectInputFilter filter) throws IOException {
        super(in);
        setObjectInputFilter(GroveSerialFilter.allowGroveThen(filter));
    }
}

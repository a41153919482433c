package dev.grove.conformance;

import dev.grove.fory.GroveSerializers;
import dev.grove.serial.GroveSerialFilter;
import org.apache.fory.BaseFory;
import org.apache.fory.Fory;
import org.apache.fory.config.Language;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** The two serialization frameworks the bindings run: Fory with Grove registered, and java.io. */
interface Codec {
    byte[] encode(Object value) throws Exception;

    Object decode(byte[] bytes) throws Exception;

    /** Whether the framework documents exceptions of this class for unreadable input. */
    boolean isDocumented(Class<?> exceptionType);

    default boolean isDocumented(Throwable t) {
        return isDocumented(t.getClass());
    }

    String name();

    static Codec named(String name) {
        return name.equals("fory") ? new ForyCodec() : new JavaIoCodec();
    }

    final class ForyCodec implements Codec {
        private final BaseFory fory;

        ForyCodec() {
            fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(true).buildThreadSafeFory();
            GroveSerializers.register(fory);
        }

        @Override
        public byte[] encode(Object value) {
            return fory.serialize(value);
        }

        @Override
        public Object decode(byte[] bytes) {
            return fory.deserialize(bytes);
        }

        /** Fory reports unreadable input with runtime exceptions of several types; errors are not documented. */
        @Override
        public boolean isDocumented(Class<?> exceptionType) {
            return RuntimeException.class.isAssignableFrom(exceptionType);
        }

        @Override
        public String name() {
            return "fory";
        }
    }

    final class JavaIoCodec implements Codec {
        @Override
        public byte[] encode(Object value) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(b)) {
                out.writeObject(value);
            }
            return b.toByteArray();
        }

        @Override
        public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                in.setObjectInputFilter(GroveSerialFilter.strict(null));
                return in.readObject();
            }
        }

        /** java.io documents IOException (and its subclasses) and ClassNotFoundException. */
        @Override
        public boolean isDocumented(Class<?> exceptionType) {
            return IOException.class.isAssignableFrom(exceptionType)
                    || ClassNotFoundException.class.isAssignableFrom(exceptionType);
        }

        @Override
        public String name() {
            return "java.io";
        }
    }
}

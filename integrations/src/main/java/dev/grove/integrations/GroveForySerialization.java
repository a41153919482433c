package dev.grove.integrations;

import dev.grove.fory.ForyBridge;
import dev.grove.fory.GroveSerializers;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.serialize.ObjectInput;
import org.apache.dubbo.common.serialize.ObjectOutput;
import org.apache.dubbo.common.serialize.Serialization;
import org.apache.dubbo.common.utils.DefaultSerializeClassChecker;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * An Apache Dubbo serialization (name {@code grove-fory}, content type id {@value #CONTENT_TYPE_ID}) on
 * Apache Fory with Grove registered: views travel as references of a few dozen bytes, and every primitive
 * array of at least 64 KiB anywhere in an argument or result goes through shared memory
 * ({@link ForyBridge}). Select it with {@code <dubbo:protocol serialization="grove-fory"/>} (or
 * {@code ?serialization=grove-fory} on a direct URL); both sides need this jar.
 *
 * <p>Which classes may be read is Dubbo's decision, not Fory's: every class name in a message is checked
 * by Dubbo's serialization class checker, so {@code serialize-check-status}, the allow list and the
 * blocked list apply exactly as for hessian2. Grove's classes need the allow-list line {@code dev.grove.}.
 *
 * <p>Values are framed on the stream as a length and Fory's bytes (bridge messages for objects); one Fory
 * per thread, shared by every channel.
 */
public final class GroveForySerialization implements Serialization {
    /**
     * The number Dubbo puts in each message header to name this serialization: five bits, so below 32,
     * and clear of the ids Dubbo's own serializations and its extensions use.
     */
    public static final byte CONTENT_TYPE_ID = 30;
    private static final int MAX_FRAME = Integer.MAX_VALUE - 8;

    private static final ThreadSafeFory FORY = build();
    private static final ForyBridge BRIDGE = ForyBridge.of(FORY);

    /** Dubbo creates this through its extension loader. */
    public GroveForySerialization() {
    }

    private static ThreadSafeFory build() {
        ThreadSafeFory fory = Fory.builder().withLanguage(Language.JAVA).requireClassRegistration(false)
                .withRefTracking(true).buildThreadSafeFory();
        fory.setTypeChecker((resolver, className) -> {
            try {
                DefaultSerializeClassChecker.getInstance().loadClass(Thread.currentThread().getContextClassLoader(), className);
                return true;
            } catch (ClassNotFoundException | RuntimeException refused) {
                return false;
            }
        });
        GroveSerializers.register(fory);
        return fory;
    }

    @Override
    public byte getContentTypeId() {
        return CONTENT_TYPE_ID;
    }

    @Override
    public String getContentType() {
        return "x-application/grove-fory";
    }

    @Override
    public ObjectOutput serialize(URL url, OutputStream output) {
        return new Output(output);
    }

    @Override
    public ObjectInput deserialize(URL url, InputStream input) {
        return new Input(input);
    }

    private static final class Output implements ObjectOutput {
        private final DataOutputStream out;

        Output(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        @Override
        public void writeObject(Object obj) throws IOException {
            writeFrame(BRIDGE.serialize(obj));
        }

        private void writeFrame(byte[] b) throws IOException {
            if (b == null) {
                out.writeInt(-1);
                return;
            }
            out.writeInt(b.length);
            out.write(b);
        }

        @Override
        public void writeBool(boolean v) throws IOException {
            out.writeBoolean(v);
        }

        @Override
        public void writeByte(byte v) throws IOException {
            out.writeByte(v);
        }

        @Override
        public void writeShort(short v) throws IOException {
            out.writeShort(v);
        }

        @Override
        public void writeInt(int v) throws IOException {
            out.writeInt(v);
        }

        @Override
        public void writeLong(long v) throws IOException {
            out.writeLong(v);
        }

        @Override
        public void writeFloat(float v) throws IOException {
            out.writeFloat(v);
        }

        @Override
        public void writeDouble(double v) throws IOException {
            out.writeDouble(v);
        }

        @Override
        public void writeUTF(String v) throws IOException {
            writeFrame(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void writeBytes(byte[] v) throws IOException {
            writeFrame(v);
        }

        @Override
        public void writeBytes(byte[] v, int off, int len) throws IOException {
            out.writeInt(len);
            out.write(v, off, len);
        }

        @Override
        public void flushBuffer() throws IOException {
            out.flush();
        }
    }

    private static final class Input implements ObjectInput {
        private final DataInputStream in;

        Input(InputStream in) {
            this.in = new DataInputStream(in);
        }

        private byte[] readFrame() throws IOException {
            int n = in.readInt();
            if (n == -1) {
                return null;
            }
            if (n < 0 || n > MAX_FRAME) {
                throw new StreamCorruptedException("grove-fory frame of impossible length: length=" + n);
            }
            // Grows with the bytes that actually arrive: a forged length alone allocates nothing.
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new StreamCorruptedException("grove-fory frame cut short: length=" + n + " read=" + b.length);
            }
            return b;
        }

        @Override
        public Object readObject() throws IOException {
            byte[] b = readFrame();
            return b == null ? null : BRIDGE.deserialize(b);
        }

        @Override
        public <T> T readObject(Class<T> cls) throws IOException {
            Object o = readObject();
            if (o != null && !wrap(cls).isInstance(o)) {
                throw new StreamCorruptedException("grove-fory read a " + o.getClass().getName() + " where a "
                        + cls.getName() + " was expected");
            }
            @SuppressWarnings("unchecked")
            T t = (T) o;
            return t;
        }

        @Override
        public <T> T readObject(Class<T> cls, Type type) throws IOException {
            return readObject(cls);
        }

        private static Class<?> wrap(Class<?> c) {
            return c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
        }

        @Override
        public boolean readBool() throws IOException {
            return in.readBoolean();
        }

        @Override
        public byte readByte() throws IOException {
            return in.readByte();
        }

        @Override
        public short readShort() throws IOException {
            return in.readShort();
        }

        @Override
        public int readInt() throws IOException {
            return in.readInt();
        }

        @Override
        public long readLong() throws IOException {
            return in.readLong();
        }

        @Override
        public float readFloat() throws IOException {
            return in.readFloat();
        }

        @Override
        public double readDouble() throws IOException {
            return in.readDouble();
        }

        @Override
        public String readUTF() throws IOException {
            byte[] b = readFrame();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] readBytes() throws IOException {
            return readFrame();
        }
    }
}

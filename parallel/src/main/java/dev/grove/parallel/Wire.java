package dev.grove.parallel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Messages between a parent and its worker JVMs, each framed by its length: chunks and chunk answers whose
 * results are plain numbers (or go to a result array) in a compact binary form, since they are the per-chunk
 * traffic; anything else serialized on its own with java.io, so that a value that does not serialize fails
 * before anything reaches the pipe and a stream is never left half written.
 */
final class Wire {
    private Wire() {
    }

    private static final byte SERIALIZED = 0, CHUNK = 1, DONE_WRITTEN = 2, DONE_NUMBERS = 3;
    private static final byte NULL = 0, LONG = 1, INT = 2, DOUBLE = 3;

    /** The message as bytes. */
    static byte[] encode(Object msg) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream d = new DataOutputStream(bytes);
        if (msg instanceof Task.Chunk c) {
            d.writeByte(CHUNK);
            d.writeLong(c.task());
            d.writeLong(c.from());
            d.writeLong(c.to());
        } else if (msg instanceof Task.ChunkDone c && (c.results() == null || numbers(c.results()))) {
            d.writeByte(c.results() == null ? DONE_WRITTEN : DONE_NUMBERS);
            d.writeLong(c.task());
            d.writeLong(c.from());
            d.writeLong(c.to());
            if (c.results() != null) {
                for (Object r : c.results()) {
                    switch (r) {
                        case null -> d.writeByte(NULL);
                        case Long l -> { d.writeByte(LONG); d.writeLong(l); }
                        case Integer i -> { d.writeByte(INT); d.writeInt(i); }
                        case Double x -> { d.writeByte(DOUBLE); d.writeDouble(x); }
                        default -> throw new IllegalStateException("checked by numbers()");
                    }
                }
            }
        } else {
            d.writeByte(SERIALIZED);
            try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
                o.writeObject(msg);
            }
        }
        return bytes.toByteArray();
    }

    private static boolean numbers(java.util.List<Object> results) {
        for (Object r : results) {
            if (r != null && r.getClass() != Long.class && r.getClass() != Integer.class && r.getClass() != Double.class) {
                return false;
            }
        }
        return true;
    }

    /** Every frame starts with it: anything else on the pipe (a stray print to fd 1) is caught at once. */
    private static final int MAGIC = 0x47525631; // "GRV1"
    /** No message is larger: a damaged length fails instead of allocating gigabytes. */
    private static final int MAX_BYTES = 1 << 30;

    /** Writes an encoded message: its length, then its bytes. The caller flushes and serialises writers. */
    static void write(DataOutputStream out, byte[] msg) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(msg.length);
        out.write(msg);
        out.flush();
    }

    /**
     * Reads one message.
     *
     * @throws java.io.EOFException when the other side closed the pipe
     */
    static Object read(DataInputStream in) throws IOException, ClassNotFoundException {
        int magic = in.readInt();
        int length = in.readInt();
        if (magic != MAGIC || length < 1 || length > MAX_BYTES) {
            throw new java.io.StreamCorruptedException("not a Grove worker frame (did something else write to the"
                    + " worker's standard output?): magic=0x" + Integer.toHexString(magic) + " length=" + length);
        }
        byte[] b = new byte[length];
        in.readFully(b);
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(b));
        byte kind = d.readByte();
        if (kind == SERIALIZED) {
            try (ObjectInputStream o = new ObjectInputStream(d)) {
                return o.readObject();
            }
        }
        long task = d.readLong();
        long from = d.readLong();
        long to = d.readLong();
        if (kind == CHUNK) {
            return new Task.Chunk(task, from, to);
        }
        if (kind == DONE_WRITTEN) {
            return new Task.ChunkDone(task, from, to, null);
        }
        if (kind != DONE_NUMBERS) {
            throw new java.io.StreamCorruptedException("unknown message kind: kind=" + kind);
        }
        java.util.List<Object> results = new java.util.ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            results.add(switch (d.readByte()) {
                case NULL -> null;
                case LONG -> d.readLong();
                case INT -> d.readInt();
                case DOUBLE -> d.readDouble();
                default -> throw new java.io.StreamCorruptedException("unknown result kind");
            });
        }
        return new Task.ChunkDone(task, from, to, results);
    }
}

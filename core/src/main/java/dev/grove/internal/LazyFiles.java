package dev.grove.internal;

import dev.grove.RegionCorruptException;
import dev.grove.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The lazy store's files and its commit point: the pointer {@code .lazy-current} (magic, version, index region
 * and id, then a CRC-32C), each version's {@code .lazy-index.<version>} (the same text, and the lock its readers
 * hold), the marker an unfinished writer leaves, and an index entry's text. {@link #publish} is the commit:
 * what the new version names is made durable first, then the pointer is written under a temporary name and
 * renamed into place, so a process killed anywhere leaves the old version or the new one. The API's
 * {@code LazyStore} keeps the objects, the versions it holds and the writer's state; the bytes on disk are here.
 */
public final class LazyFiles {
    /** Prefix of each version's index file, followed by the version. */
    public static final String INDEX = ".lazy-index.";
    /** The pointer to the current version. */
    public static final String CURRENT = ".lazy-current";
    /** Prefix of a pointer being written, followed by its version. */
    public static final String TEMP = ".lazy-tmp.";
    /** Present while a writer works; an open that finds it with no writer alive cleans up. */
    public static final String COMMITTING = ".lazy-committing";
    /** The file whose exclusive lock makes one process the writer. */
    public static final String WRITER_LOCK = ".lazy-writer";
    private static final String MAGIC = "grove-lazy 1";
    /** The fields of an index entry after the object's name. */
    private static final int ENTRY_FIELDS = 6;

    private LazyFiles() {
    }

    /** What a pointer or an index file says: the version and its index region (null and 0 when empty). */
    public record Pointer(long version, String index, long indexId) {
    }

    /** The pointer {@code .lazy-current} in {@code dir}, or null if there is none (version 0). */
    public static Pointer current(Path dir) {
        Path f = dir.resolve(CURRENT);
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (IOException e) {
            return null;
        }
        if (all.length < 4) {
            return null;
        }
        byte[] body = java.util.Arrays.copyOf(all, all.length - 4);
        if (ByteBuffer.wrap(all, all.length - 4, 4).getInt() != crc(body)) {
            throw new RegionCorruptException("lazy store pointer damaged (checksum): path=" + f);
        }
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    /** What the index file of a version a reader holds names, or null if it names nothing readable. */
    public static Pointer indexFile(Path f) throws IOException {
        return parse(Files.readString(f));
    }

    private static Pointer parse(String text) {
        String[] l = text.split("\n");
        if (l.length < 4 || !l[0].equals(MAGIC)) {
            return null;
        }
        return new Pointer(Long.parseLong(l[1]), l[2].equals("-") ? null : l[2], Long.parseUnsignedLong(l[3], 16));
    }

    /**
     * Publishes version {@code p} of the store in {@code dir}: makes {@code durableFirst} (the new objects' files
     * and the new index region) durable, writes the version's index file, writes the pointer with its checksum
     * under a temporary name, renames it into place and makes the directory durable. The rename is the commit
     * point.
     *
     * @throws IOException    if the version could not be published (nothing names it yet)
     * @throws StoreException if it was published, but the directory could not be made durable
     */
    public static void publish(Path dir, Pointer p, List<Path> durableFirst) throws IOException {
        for (Path f : durableFirst) {
            force(f); // the index must never name a file not on the disk
        }
        String text = MAGIC + "\n" + p.version() + "\n" + (p.index() == null ? "-" : p.index()) + "\n"
                + Long.toHexString(p.indexId()) + "\n";
        Path index = dir.resolve(INDEX + p.version());
        Files.writeString(index, text);
        force(index);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(TEMP + p.version());
        Files.write(tmp, ByteBuffer.allocate(body.length + 4).put(body).putInt(crc(body)).array());
        force(tmp);
        Files.move(tmp, dir.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try {
            force(dir); // the commit point is durable
        } catch (IOException e) {
            // Past the commit point: the version is published, so this is not a failed commit to undo.
            throw new StoreException("committed, but the directory could not be made durable (a crash now may"
                    + " leave the previous version): store=" + dir + " version=" + p.version() + " error=" + e, e);
        }
    }

    /** An index entry's fields (region, region id, type, bytes, checksum, modifications) as the index stores them: each as its length, a colon and itself. */
    public static String entryText(String region, long regionId, String type, long bytes, int checksum, long modifications) {
        StringBuilder b = new StringBuilder();
        for (String f : List.of(region, Long.toString(regionId), type, Long.toString(bytes), Integer.toString(checksum),
                Long.toString(modifications))) {
            b.append(f.length()).append(':').append(f);
        }
        return b.toString();
    }

    /** The fields {@link #entryText} wrote, in its order. */
    public static String[] entryFields(String text) {
        String[] f = new String[ENTRY_FIELDS];
        int at = 0;
        for (int k = 0; k < ENTRY_FIELDS; k++) {
            int colon = text.indexOf(':', at);
            int len = Integer.parseInt(text, at, colon, 10);
            f[k] = text.substring(colon + 1, colon + 1 + len);
            at = colon + 1 + len;
        }
        return f;
    }

    /** A file's size, for an index entry. */
    public static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new StoreException("cannot read size: path=" + f + " error=" + e, e);
        }
    }

    private static int crc(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static void force(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

package dev.grove.test;

import dev.grove.SharedObject;
import dev.grove.internal.Hold;
import dev.grove.internal.PathSyntax;
import dev.grove.internal.Regions;
import dev.grove.internal.StoreDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32C;

/** Raw access to region files, to build corrupt, truncated and foreign ones for tests. */
public final class RegionFiles {
    private RegionFiles() {
    }

    public static Path fileOf(SharedObject view) {
        return StoreDir.defaultStore().file(PathSyntax.parse(view.path()).name());
    }

    /** Copies the region behind {@code view} to a new, unmapped region file and returns its name. */
    public static String copyOf(SharedObject view) {
        return write(bytesOf(view));
    }

    /**
     * The bytes of the region behind {@code view}, read through this process's mapping (what its views
     * see). {@link #assertBodyChecksumHolds} reads the file with {@code read(2)} instead, which regions' open
     * file description locks survive, unlike classic POSIX locks (docs/FORMAT.md, "Lifetime").
     */
    public static byte[] bytesOf(SharedObject view) {
        Hold hold = Regions.open(StoreDir.defaultStore(), PathSyntax.parse(view.path()).name(), 0);
        try {
            return hold.region().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } finally {
            hold.release();
        }
    }

    /**
     * Reads a sealed region file with {@code read(2)} (not through any mapping) and checks that it is marked
     * as checksummed and that its stored body checksum is the CRC-32C of the body bytes the file holds.
     */
    public static void assertBodyChecksumHolds(Path file) {
        ByteBuffer all = ByteBuffer.wrap(read(file)).order(ByteOrder.LITTLE_ENDIAN);
        if ((all.get(11) & 0b101) != 0b101) {
            throw new AssertionError("not sealed with a checksum: file=" + file + " flags=" + all.get(11));
        }
        int headerSize = all.getInt(12);
        CRC32C crc = new CRC32C();
        crc.update(all.slice(headerSize, all.limit() - headerSize));
        if ((int) crc.getValue() != all.getInt(52)) {
            throw new AssertionError("body checksum of the file's bytes: file=" + file + " stored="
                    + Integer.toHexString(all.getInt(52)) + " computed=" + Integer.toHexString((int) crc.getValue()));
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code bytes} as a new region file (mode 0600) with a lease running for two minutes (a
     * sealed file nobody holds and no lease protects counts as freed) and returns its name.
     */
    public static String write(byte[] bytes) {
        String name = StoreDir.newName();
        Path f = StoreDir.defaultStore().file(name);
        try {
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(f, bytes);
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name;
    }

    public static void delete(String name) {
        try {
            Files.deleteIfExists(StoreDir.defaultStore().file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long u64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    public static int u32(byte[] b, int at) {
        return java.nio.ByteBuffer.wrap(b, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    public static void putU64(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }

    public static void putU32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    /** Recomputes the header checksum, so that a change elsewhere in the header is judged on its own. */
    public static void fixHeaderCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 60);
        putU32(b, 60, (int) crc.getValue());
    }
}

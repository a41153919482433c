package dev.grove.internal;

import dev.grove.StoreException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pins, the third way (beside holders and leases) to keep a region alive: an empty file
 * {@code .grove-pins/<region name>.<pin id>} in the store, whose modification time is the pin's expiry
 * (the epoch, 0, for a pin that never expires). Nobody deletes or recycles a region while it has a pin that
 * has not expired; an expired pin is deleted by the next sweep. A pin is created only by a process that
 * holds the region (its shared lock), so a deleter, which needs the exclusive lock, either sees the pin or
 * ran before it existed and found the region held.
 */
public final class Pins {
    /** The directory, inside the store, that holds the pin files. */
    public static final String DIR = ".grove-pins";
    /** Prefix of a pin file being written, before it is renamed into place. */
    private static final String TEMPORARY = ".tmp-";

    private Pins() {
    }

    /** One pin: its name ({@code <region>.<id>}) and expiry in epoch milliseconds, 0 for none. */
    public record Pin(String region, String name, long expiresMillis) {
        /** Whether the pin still protects its region at {@code now}. */
        public boolean activeAt(long now) {
            return expiresMillis == 0 || expiresMillis > now;
        }
    }

    /**
     * Pins region {@code region}, which the caller holds, until {@code expiresMillis} (0: until unpinned).
     *
     * @return the pin's name
     */
    public static String pin(StoreDir store, String region, long expiresMillis) {
        Path dir = directory(store.directory(), true);
        String name = region + "." + HexFormat.of().toHexDigits(StoreDir.newId());
        Path file = dir.resolve(name);
        try {
            Files.createFile(file, StoreDir.PRIVATE_FILE);
            Files.setLastModifiedTime(file, FileTime.fromMillis(expiresMillis));
        } catch (FileAlreadyExistsException e) {
            return pin(store, region, expiresMillis); // 64 random bits met themselves: draw again
        } catch (IOException e) {
            throw new StoreException("cannot pin region=/" + region + " store=" + store + " error=" + e, e);
        }
        return name;
    }

    /**
     * Pins region {@code region}, which the caller holds, until unpinned, with {@code content} (given the new
     * pin's name) in the pin file
     * (a namespace registration says there what it registers). The file appears whole or not at all: it is
     * written under a temporary name and renamed into place, so a process killed on the way leaves no pin
     * (only a temporary file, which {@link #dropTemporary} removes).
     *
     * @return the pin's name
     */
    public static String pin(StoreDir store, String region, java.util.function.Function<String, byte[]> content) {
        Path dir = directory(store.directory(), true);
        String name = region + "." + HexFormat.of().toHexDigits(StoreDir.newId());
        Path tmp = dir.resolve(TEMPORARY + HexFormat.of().toHexDigits(StoreDir.newId()));
        try {
            Files.write(tmp, content.apply(name), java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.setLastModifiedTime(tmp, FileTime.fromMillis(0));
            Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return name;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // dropTemporary removes it later
            }
            throw new StoreException("cannot pin region=/" + region + " store=" + store + " error=" + e, e);
        }
    }

    /** The content of pin {@code name} ({@link #pin(StoreDir, String, java.util.function.Function)}), or null if it is gone. */
    public static byte[] content(Path storeDir, String name) {
        try {
            return Files.readAllBytes(directory(storeDir, false).resolve(name));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StoreException("cannot read pin=" + name + " store=" + storeDir + " error=" + e, e);
        }
    }

    /**
     * Deletes the temporary files of pins being written. Only for a caller that knows no pin is being
     * written now (namespace registrations write theirs under the namespace lock, which it holds).
     */
    public static void dropTemporary(Path storeDir) {
        Path dir = directory(storeDir, false);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(TEMPORARY)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot clean the pin directory: store=" + storeDir + " error=" + e, e);
        }
    }

    /**
     * Removes pin {@code name} of this store.
     *
     * @return whether it existed
     */
    public static boolean unpin(StoreDir store, String name) {
        if (!isValidPinName(name)) {
            throw new IllegalArgumentException("not a pin name: pin=" + name);
        }
        try {
            return Files.deleteIfExists(directory(store.directory(), false).resolve(name));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new StoreException("cannot unpin pin=" + name + " store=" + store + " error=" + e, e);
        }
    }

    /** Every pin in the store at {@code storeDir}, expired or not. */
    public static List<Pin> all(Path storeDir) {
        Path dir = directory(storeDir, false);
        List<Pin> pins = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return pins;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (isValidPinName(name)) {
                    try {
                        long expires = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
                        pins.add(new Pin(name.substring(0, name.lastIndexOf('.')), name, expires));
                    } catch (NoSuchFileException gone) {
                        // unpinned meanwhile
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list pins: store=" + storeDir + " error=" + e, e);
        }
        return pins;
    }

    /** The pins of region {@code region}. */
    public static List<Pin> of(Path storeDir, String region) {
        return all(storeDir).stream().filter(p -> p.region().equals(region)).toList();
    }

    /** Whether region {@code region} has a pin that has not expired. */
    static boolean pinned(Path storeDir, String region) {
        long now = Clock.millis();
        return of(storeDir, region).stream().anyMatch(p -> p.activeAt(now));
    }

    /**
     * Whether region {@code region} has a pin that has not expired, given that it had none at
     * {@code noPinBefore} (its file's current use began then: a pin is only made by a holder). A pin is
     * written into the pin directory by a rename, which moves the directory's time; if that time is well
     * before {@code noPinBefore}, no pin can have been made since, and the directory is not listed.
     */
    static boolean pinned(Path storeDir, String region, long noPinBefore) {
        try {
            Native.Stat dir = Native.stat(storeDir.resolve(DIR));
            // File times come from the kernel's coarse clock, which lags by a tick: a second covers any.
            if (dir == null || dir.mtimeMillis() + 1_000 < noPinBefore) {
                return false;
            }
        } catch (IOException e) {
            // fall through to the full check, which reports
        }
        return pinned(storeDir, region);
    }

    /**
     * Deletes the expired pins of the store, and pins whose region file is gone (removed by force, say);
     * part of every sweep. A pin is only made while its region is held, so its file exists then.
     */
    static void dropExpired(Path storeDir) {
        long now = Clock.millis();
        for (Pin p : all(storeDir)) {
            if (!p.activeAt(now) || !Files.exists(storeDir.resolve(p.region()), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.deleteIfExists(directory(storeDir, false).resolve(p.name()));
                } catch (IOException e) {
                    Housekeeping.log(System.Logger.Level.DEBUG, "sweep could not delete expired pin=" + p.name(), e);
                }
            }
        }
    }

    private static boolean isValidPinName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && name.length() - dot - 1 == 16 && StoreDir.isValidName(name.substring(0, dot))
                && name.substring(dot + 1).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The pin directory, created (0700) if asked, and checked like the store directory when it exists. */
    private static Path directory(Path storeDir, boolean create) {
        Path dir = storeDir.resolve(DIR);
        if (create) {
            StoreDir.privateDirectory(dir, "pin directory");
        } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            StoreDir.checkDirectory(dir, "pin directory");
        }
        return dir;
    }
}

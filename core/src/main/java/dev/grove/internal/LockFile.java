package dev.grove.internal;

import dev.grove.StoreException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * A file used only for its open file description lock (a store's writer lock, a snapshot a reader holds):
 * the kernel drops the lock when the holder dies, and nothing else the process does with the file can drop it.
 */
public final class LockFile implements AutoCloseable {
    private final RegionFile file;

    private LockFile(RegionFile file) {
        this.file = file;
    }

    /** Opens {@code path}, creating it (0600) if absent. */
    public static LockFile open(Path path) {
        try {
            // Lock files outlive their users, so opening is the common case: one system call, not two.
            try {
                return new LockFile(RegionFile.open(path));
            } catch (java.nio.file.NoSuchFileException absent) {
                try {
                    return new LockFile(RegionFile.create(path));
                } catch (FileAlreadyExistsException raced) {
                    return new LockFile(RegionFile.open(path));
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot open lock file: path=" + path + " error=" + e, e);
        }
    }

    /** Takes a shared or exclusive lock if no other holder conflicts; whether it did. */
    public boolean tryLock(boolean exclusive) {
        try {
            return file.tryLock(exclusive);
        } catch (IOException e) {
            throw new StoreException("cannot lock: path=" + file.path() + " error=" + e, e);
        }
    }

    /** Gives up this descriptor's lock. */
    public void unlock() {
        try {
            file.unlock();
        } catch (IOException e) {
            throw new StoreException("cannot unlock: path=" + file.path() + " error=" + e, e);
        }
    }

    @Override
    public void close() {
        file.close();
    }
}

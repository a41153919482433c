package dev.grove.internal;

import dev.grove.GroveException;
import dev.grove.StoreException;
import dev.grove.StoreFullException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creating regions: a fresh file or a recycled spare, its space reserved before a byte is written (so a full
 * store is an exception, not a SIGBUS), written, then sealed; single-node regions whose elements the caller
 * fills; regions shared for writing with other processes, and closing them for writing before the seal. Why:
 * everything between "no region" and "a sealed region readers may map" happens here.
 */
final class Creation {
    /**
     * Creates a region file of {@code size} bytes, reserves its space, locks and maps it writable, and
     * returns the writer's claim on it. Nothing is left behind if any step fails.
     */
    static Hold create(StoreDir store, long size) {
        return create(store, size, false);
    }

    /**
     * As {@link #create(StoreDir, long)}; with {@code zeroBody}, everything after the header reads as zero
     * (a fresh file does anyway; a recycled spare is cleared).
     */
    static Hold create(StoreDir store, long size, boolean zeroBody) {
        Deletion.startSweeper(store);
        String name = StoreDir.newName();
        long id = StoreDir.newId();
        Region r;
        LocalRegions.PROCESS.lock.lock();
        try {
            r = LocalRegions.PROCESS.spares.take(store, name, id, size);
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
        if (r != null) {
            Format.clearLifetime(r.writable());
            if (zeroBody) {
                r.writable().asSlice(Format.HEADER_SIZE).fill((byte) 0);
            }
        }
        if (r == null) {
            r = createFresh(store, name, id, size);
        }
        Format.writeHeader(r.writable(), 0, id, 0, 0);
        Hold writer = r.acquire();
        Mapping.checkHeldIfDebugging(r);
        return writer;
    }

    private static Region createFresh(StoreDir store, String name, long id, long size) {
        // In the table from the start: a sweep here must not open a file this process is creating.
        Region r = Region.creating(store, name, id);
        RegionFile file = null;
        Arena arena = null;
        try {
            file = store.createFile(name);
            file.lock(false);
            reserve(store, name, file, size);
            arena = Arena.ofShared();
            MemorySegment seg = file.map(size, true, arena);
            if (store.inMemory()) {
                Native.populateForWrite(seg);
            }
            r.created(file, arena, seg);
            return r;
        } catch (IOException | RuntimeException e) {
            r.creationFailed();
            Housekeeping.closeQuietly(arena, file);
            if (file != null) {
                deleteQuietly(store.file(name));
            }
            if (e instanceof GroveException ge) {
                throw ge;
            }
            throw new StoreException("cannot create region: region=/" + name + " store=" + store + " size=" + size
                    + " error=" + e, e);
        }
    }

    /** Reserves the file's pages; a full store first gives back this process's spares there. */
    private static void reserve(StoreDir store, String name, RegionFile file, long size) {
        int err = file.allocate(size);
        if (err == Native.ENOSPC && Mapping.dropSpares(store)) {
            err = file.allocate(size);
        }
        if (err != 0) {
            throw reserveFailed(store, name, size, err);
        }
    }

    private static StoreException reserveFailed(StoreDir store, String name, long size, int err) {
        if (err == Native.ENOSPC) {
            return new StoreFullException("store full: region=/" + name + " store=" + store + " requested=" + size
                    + " free=" + store.freeBytes() + " (free space in the store, or enlarge it: a tmpfs mount's"
                    + " size=, or Docker's --shm-size)");
        }
        return new StoreException("cannot reserve space: region=/" + name + " store=" + store + " requested=" + size
                + " errno=" + err);
    }

    /** Seals a region the creator has filled: writes the final header, making it visible to readers. */
    static void seal(Region r, long root, boolean checksum) {
        seal(r, root, checksum, null);
    }

    /** As {@link #seal(Region, long, boolean)}, reusing the checksums {@code known} took of parts of the body. */
    static void seal(Region r, long root, boolean checksum, KnownCrcs known) {
        MemorySegment seg = r.writable();
        int crc = !checksum ? 0 : known == null ? Format.bodyCrc(seg) : known.crc(seg, Format.bodyStart(seg));
        Format.writeHeader(seg, Format.FLAG_SEALED | (checksum ? Format.FLAG_CHECKSUM : 0), r.id(), root, crc);
        r.sealed(root);
    }

    /**
     * Creates a region for {@code plan}, writes and seals it, and returns the creator's claim on it. If
     * anything fails, the claim is dropped and the file deleted.
     */
    static Hold write(StoreDir store, Encoder.Plan plan, boolean checksum) {
        Hold writer = create(store, plan.size());
        try {
            Region r = writer.region();
            KnownCrcs known = checksum ? new KnownCrcs() : null;
            seal(r, plan.writeTo(r.writable(), known), checksum, known);
            return writer;
        } catch (RuntimeException | Error e) {
            writer.release();
            throw e;
        }
    }


    /**
     * Creates an unsealed region with one node: tag {@code tag}, aux {@code aux}, then the 64-bit words
     * {@code prefix} (a matrix's rows and columns), then {@code bytes} element bytes: zero-filled, or with
     * {@code zeroed} false whatever a recycled region of this process held (the caller writes them all).
     */
    static Writable createNode(StoreDir store, int tag, int aux, long[] prefix, long bytes, boolean zeroed) {
        long node = Format.HEADER_SIZE;
        long length = 8L * prefix.length + bytes;
        long size = node + Format.NODE_HEADER + Format.align8(length);
        Hold writer = create(store, size, zeroed);
        MemorySegment seg = writer.region().writable();
        // The padding after the elements is written here either way: a region's bytes never depend on the
        // region it was recycled from.
        long end = node + Format.NODE_HEADER + length;
        seg.asSlice(end, size - end).fill((byte) 0);
        seg.set(Format.U32, node + Format.N_TAG, tag);
        seg.set(Format.U32, node + Format.N_AUX, aux);
        seg.set(Format.U64, node + Format.N_LENGTH, length);
        for (int i = 0; i < prefix.length; i++) {
            seg.set(Format.U64, node + Format.NODE_HEADER + 8L * i, prefix[i]);
        }
        return new Writable(writer, node, seg.asSlice(node + Format.NODE_HEADER + 8L * prefix.length, bytes));
    }

    /** The writable mapping of a region being written (by its creator, or by a writer it shared it with). */
    static MemorySegment writableMapping(Region r) {
        if (r.state() != Region.State.WRITING) {
            throw new IllegalStateException("region lifecycle: region=/" + r.name() + " state=" + r.state()
                    + " (not being written)");
        }
        return r.writable();
    }

    /**
     * Marks a region this process is writing as shared for writing (header flag WRITABLE, root set, still
     * unsealed) and leases it, so that other processes may map it writable ({@link Mapping#openWritable}).
     */
    static void shareForWriting(Writable w) {
        Region r = w.hold().region();
        Format.writeHeader(r.writable(), Format.FLAG_WRITABLE, r.id(), w.node(), 0);
        Leases.extend(r, r.store().leaseMillis());
    }

    /**
     * Before the creator seals a region shared for writing: stops new writers (the header no longer says
     * WRITABLE, so {@link Mapping#openWritable} refuses it, here and elsewhere), then waits, for at most
     * {@code millis}, until no other process holds the region and no other writer of this process does. If
     * that does not happen in time, the region is shared for writing again.
     *
     * @return whether the creator is the only writer left
     */
    static boolean closeForWriting(Writable w, long millis) {
        Region r = w.hold().region();
        LocalRegions.PROCESS.lock.lock();
        try {
            Format.writeHeader(r.writable(), 0, r.id(), w.node(), 0); // under LocalRegions.PROCESS.lock: openWritable checks then claims
        } finally {
            LocalRegions.PROCESS.lock.unlock();
        }
        long deadline = Clock.nanos() + millis * 1_000_000;
        try {
            while (r.holds() > 1 || r.handle().lockedElsewhere()) {
                if (Clock.nanos() > deadline) {
                    Format.writeHeader(r.writable(), Format.FLAG_WRITABLE, r.id(), w.node(), 0);
                    return false;
                }
                Thread.sleep(2);
            }
            return true;
        } catch (IOException e) {
            throw new StoreException("cannot examine region=/" + r.name() + " store=" + r.store() + " error=" + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left for the sweep.
        }
    }

    private Creation() {
    }
}

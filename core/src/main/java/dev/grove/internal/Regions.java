package dev.grove.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The region layer's entry points for the rest of Grove (the public API's classes and the command line): each
 * hands over to the file that does that job, package-private behind it. {@code Creation} makes regions,
 * {@code Mapping} maps and releases them, {@code Deletion} decides when a file is deleted (sweeps, reminders,
 * release at exit); what they keep between calls belongs to {@link LocalRegions}. Classes inside this package
 * call those directly.
 */
public final class Regions {
    private Regions() {
    }

    /** How long an unsealed file with no holders is left alone: its creator may be between create and lock. */
    public static final long DEFAULT_GRACE_MILLIS = Deletion.DEFAULT_GRACE_MILLIS;

    /**
     * Creates a region file of {@code size} bytes, reserves its space, locks and maps it writable, and
     * returns the writer's claim on it. Nothing is left behind if any step fails.
     */
    public static Hold create(StoreDir store, long size) {
        return Creation.create(store, size);
    }

    /**
     * As {@link #create(StoreDir, long)}; with {@code zeroBody}, everything after the header reads as zero
     * (a fresh file does anyway; a recycled spare is cleared).
     */
    public static Hold create(StoreDir store, long size, boolean zeroBody) {
        return Creation.create(store, size, zeroBody);
    }

    /**
     * Creates a region for {@code plan}, writes and seals it, and returns the creator's claim on it. If
     * anything fails, the claim is dropped and the file deleted.
     */
    public static Hold write(StoreDir store, Encoder.Plan plan, boolean checksum) {
        return Creation.write(store, plan, checksum);
    }

    /**
     * Creates an unsealed region with one node: tag {@code tag}, aux {@code aux}, then the 64-bit words
     * {@code prefix} (a matrix's rows and columns), then {@code bytes} element bytes: zero-filled, or with
     * {@code zeroed} false whatever a recycled region of this process held (the caller writes them all).
     */
    public static Writable createNode(StoreDir store, int tag, int aux, long[] prefix, long bytes, boolean zeroed) {
        return Creation.createNode(store, tag, aux, prefix, bytes, zeroed);
    }

    /** The writable mapping of a region being written (by its creator, or by a writer it shared it with). */
    public static MemorySegment writableMapping(Region r) {
        return Creation.writableMapping(r);
    }

    /**
     * Marks a region this process is writing as shared for writing (header flag WRITABLE, root set, still
     * unsealed) and leases it, so that other processes may map it writable ({@link #openWritable}).
     */
    public static void shareForWriting(Writable w) {
        Creation.shareForWriting(w);
    }

    /**
     * Before the creator seals a region shared for writing: stops new writers (the header no longer says
     * WRITABLE, so {@link #openWritable} refuses it, here and elsewhere), then waits, for at most
     * {@code millis}, until no other process holds the region and no other writer of this process does. If
     * that does not happen in time, the region is shared for writing again.
     *
     * @return whether the creator is the only writer left
     */
    public static boolean closeForWriting(Writable w, long millis) {
        return Creation.closeForWriting(w, millis);
    }

    /**
     * Claims, writable, a region another process (or this one) created and shares for writing, mapping it if
     * this process does not yet.
     *
     * @throws dev.grove.RegionSealedException if it is sealed already (read-only from then on)
     * @throws RegionNotFoundException         if it does not exist, or is not shared for writing
     */
    public static Hold openWritable(StoreDir store, String name, long expectedId) {
        return Mapping.openWritable(store, name, expectedId);
    }

    /**
     * Claims the region called {@code name}, mapping it if this process does not yet. A region already
     * mapped costs a table lookup.
     *
     * @param expectedId the region id a reference carries, or 0 to accept any
     */
    public static Hold open(StoreDir store, String name, long expectedId) {
        return Mapping.open(store, name, expectedId);
    }

    /**
     * As {@link #open(StoreDir, String, long)}, for a consumed-once reference with {@code ticket} (0: a fan-out
     * one): the region must have that ticket outstanding, and the hold returned releases it when it is
     * released.
     *
     * @throws StaleReferenceException if the ticket is not outstanding: released already, or never issued
     */
    public static Hold open(StoreDir store, String name, long expectedId, long ticket) {
        return Mapping.open(store, name, expectedId, ticket);
    }

    /**
     * Issues a consumed-once ticket ({@link dev.grove.Delivery#ONCE}) on a sealed region this process holds,
     * kept for at most {@code millis} unless released earlier.
     *
     * @return the ticket, or 0 if the region cannot take one now (not sealed, a version 1 region, or another
     *         consumed-once reference is outstanding)
     */
    public static long claimOnce(Region r, long millis) {
        return Mapping.claimOnce(r, millis);
    }

    /**
     * A private, copy-on-write mapping of the whole region {@code hold} holds, unmapped when {@code arena}
     * closes; the caller keeps the hold meanwhile.
     */
    public static MemorySegment mapPrivate(Hold hold, Arena arena) {
        return Mapping.mapPrivate(hold, arena);
    }

    /** {@code madvise(advice)} on the pages holding {@code range} of a mapping; whether the kernel took it. */
    public static boolean advise(MemorySegment range, int advice) {
        return Mapping.advise(range, advice);
    }

    /**
     * The header of region {@code name}: from the mapping if this process maps the region, else through a
     * descriptor of its own (which cannot disturb any lock, see {@link RegionFile}).
     *
     * @throws dev.grove.RegionCorruptException if the header is not valid
     */
    public static Format.Header header(StoreDir store, String name) throws IOException {
        return Mapping.header(store, name);
    }

    /** Names of the regions this process maps now (being written or sealed; spares are not regions). */
    public static List<String> mappedHere() {
        return Mapping.mappedHere();
    }

    /** Names of the regions of {@code store} (any, if null) this process maps now. */
    public static List<String> mappedHere(StoreDir store) {
        return Mapping.mappedHere(store);
    }

    /** Where the live holds on region {@code name} were taken (needs {@code -Dgrove.debug.holds=true}). */
    public static List<Throwable> holdOrigins(String name) {
        return Mapping.holdOrigins(name);
    }

    /** Whether some process (this one included) holds a lock on the region file, asked of the kernel. */
    public static boolean isHeld(StoreDir store, String name) {
        return Mapping.isHeld(store, name);
    }

    /**
     * Deletes the released regions this process keeps for reuse in {@code store} (see {@link Spares}); they
     * would otherwise go after a few idle seconds.
     *
     * @return whether there were any
     */
    public static boolean dropSpares(StoreDir store) {
        return Mapping.dropSpares(store);
    }

    /**
     * Unmaps this process's kept mapping of region {@code name} ({@link Warm}), if any: for callers that
     * promise the region is unmapped here once their views are closed.
     */
    public static void dropKeptMapping(StoreDir store, String name) {
        Mapping.dropKeptMapping(store, name);
    }

    /**
     * Deletes every region file in the store that no process holds and whose lease has run out; unsealed
     * files must also be older than {@code graceMillis}. Safe to run at any time from any process.
     *
     * @return names of the regions deleted
     */
    public static List<String> sweep(StoreDir store, long graceMillis) {
        return Deletion.sweep(store, graceMillis);
    }

    /**
     * Deletes region {@code name} now if nothing keeps it (no holder, lease or pin): after an unpin, so that
     * the region goes at once rather than at the next sweep.
     */
    public static boolean deleteIfFree(StoreDir store, String name) {
        return Deletion.deleteIfFree(store, name);
    }

    /**
     * Deletes region {@code name} now whatever its lease, pins or retention, unless a process (this one
     * included) holds it.
     *
     * @return whether it was deleted; false if it is held or already gone
     */
    public static boolean deleteUnheld(StoreDir store, String name) {
        return Deletion.deleteUnheld(store, name);
    }

    /** Whether a reminder to delete region {@code name} at its lease end is pending in this process. */
    public static boolean deletionReminderPending(String name) {
        return Deletion.deletionReminderPending(name);
    }
}

/**
 * Grove's machinery, not an API: the region format ({@code Format}, {@code Node}, {@code Encoder},
 * {@code Checksums}), the store directory ({@code StoreDir}), and the region layer, split by job: creating regions
 * ({@code Creation}), the process table, mapping and release ({@code Mapping}), when files are deleted
 * ({@code Deletion}: the keep rule, sweeps, lease reminders, release at exit), the background thread and
 * logging ({@code Housekeeping}), with {@code Regions} as their entry point for the API package; a region
 * file's state ({@code Region}) and a claim on it ({@code Hold}); the one reader of time ({@code Clock}) and of settings ({@code Config}); leases ({@code Leases}), recycling released regions
 * and keeping message regions in flight ({@code Spares}), mappings kept unlocked after release for the next
 * map ({@code Warm}), and the libc calls the JDK does not offer in the form Grove needs ({@code Native}, used
 * through {@code RegionFile}: one descriptor per held file, open file description locks, times set on the
 * descriptor). Public only so that Grove's other modules and
 * tools can reach it; it changes without notice.
 *
 * <p>Lifecycle: each region file open in this process is one {@code Region} with one explicit state
 * (CREATING, WRITING, SEALED, SPARE, RELEASED), moving forward through {@code Region}'s own transition
 * method (the one step back, SPARE to SEALED, is a message region in flight that this process maps itself), which also keeps the process-wide table of open regions; what keeps a file alive across processes
 * (holders' locks, leases, pins, a retained store) is decided from the file itself by the deleters in
 * {@code Deletion}.
 *
 * <p>Threads: {@code Mapping.LOCK} serialises every open, release and sweep of region files in the process
 * under one lock (spares and kept mappings included); a region already mapped is found without it. Lease
 * updates take the store's lease lock, across processes, unless this process already recorded a lease that
 * covers them; consumed-once tickets are atomic words in the mapped lifetime block. {@code Node} and {@code Encoder} instances are confined to the
 * thread using them.
 */
package dev.grove.internal;

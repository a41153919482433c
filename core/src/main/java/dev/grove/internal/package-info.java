/**
 * Grove's machinery, not an API. Public only so that Grove's other modules and tools can reach it; it
 * changes without notice.
 * <ul>
 * <li>The region format: {@code Format}, {@code Node}, {@code Encoder}, {@code Checksums}.
 * <li>The store directory, {@code StoreDir}; its settings, with every other one, in {@code Config}; time in
 *     {@code Clock}.
 * <li>The region layer, split by job: creating regions ({@code Creation}); mapping and release
 *     ({@code Mapping}); when files are deleted ({@code Deletion}: the keep rule, sweeps, release at exit);
 *     {@code Regions} is their entry point for the API package. A region file's state is a {@code Region},
 *     a claim on it a {@code Hold}, its descriptor and locks a {@code RegionFile} (through {@code Native}, the
 *     libc calls the JDK does not offer in the form Grove needs).
 * <li>The process's state, in one owner, {@code LocalRegions}: the region lock, the table of open regions, the
 *     pools of released regions kept for reuse ({@code Spares}) and of mappings kept for the next map
 *     ({@code Warm}), both on {@code IdleDrops}; lease reminders ({@code LeaseReminders}); the background thread
 *     ({@code Housekeeping}); the stores and namespace directories opened. The timed parts take their clock and
 *     scheduler from it, so tests build them on a manual clock.
 * </ul>
 *
 * <p>Lifecycle: each region file open in this process is one {@code Region} with one explicit state
 * (CREATING, WRITING, SEALED, SPARE, RELEASED), moving forward through {@code Region}'s own transition
 * method (the one step back, SPARE to SEALED, is a message region in flight that this process maps itself),
 * which also keeps the owner's table of open regions; what keeps a file alive across processes (holders'
 * locks, leases, pins, a retained store) is decided from the file itself by the deleters in {@code Deletion}.
 *
 * <p>Threads: the owner's {@code RegionLock} serialises every open, release and sweep of region files in the
 * process (spares and kept mappings included, which check that it is held); a region already mapped is found
 * without it. Lease updates take the store's lease lock, across processes, unless this process already
 * recorded a lease that covers them; consumed-once tickets are atomic words in the mapped lifetime block.
 * {@code Node} and {@code Encoder} instances are confined to the thread using them.
 */
package dev.grove.internal;

/**
 * Grove's public API: {@link dev.grove.Grove} shares object graphs into named shared-memory regions and
 * maps them back, from any process of the same user on the machine, as lazy read-only views
 * ({@link dev.grove.SharedList}, {@link dev.grove.SharedMap}, {@link dev.grove.SharedTable},
 * {@link dev.grove.SharedMatrix}, {@link dev.grove.SharedString}, {@link dev.grove.SharedValue});
 * {@link dev.grove.SharedRef} is what travels between processes.
 *
 * <h2>Stores</h2>
 * Regions live in a {@link dev.grove.RegionStore}: a private directory (mode 0700, owner checked) with its
 * own lease length, recycling budget and checksum setting. {@code Grove}'s static methods use the default
 * store; {@code RegionStore.open} and {@code RegionStore.builder} open others (one object per directory in a
 * process). A reference names its store when it is not the default one, and carries a fingerprint of the
 * machine's boot, so a receiver maps it from the right directory or refuses it by name.
 *
 * <h2>Threads</h2>
 * Every static method of {@code Grove} and every method of {@code RegionStore} is thread-safe. Views are immutable and may be read from any number
 * of threads at once. Closing a view while another thread reads it is safe: that read fails with
 * {@link dev.grove.RegionReleasedException}, it never reads unmapped memory. Copies and checksums of
 * several MiB (sharing, sealing, copying a view out) are cut into pieces that idle threads of the common
 * {@link java.util.concurrent.ForkJoinPool} work on beside the caller; the caller never waits for a helper
 * to start, so a busy or saturated pool only makes them slower.
 *
 * <h2>Lifetime</h2>
 * Each view holds its region in this process until it is closed ({@code close()} is idempotent) or
 * garbage collected; sub-views hold it on their own. A process maps a region once, whatever the number of
 * views, and holds a shared file lock on it meanwhile (an open file description lock on the descriptor it mapped
 * from, which nothing else the process does with the file can drop). A region's file is deleted when no process holds it
 * and no reference's lease runs (references are leased for 60 s by default, {@code grove.lease.seconds}),
 * by the last holder, or by a later sweep when a holder died (a creator may instead keep a large region it
 * released as a spare for its next region, under a new name no reference knows). Keep a reference to a view while using it or
 * a {@link java.lang.foreign.MemorySegment} taken from it: an unreachable view may be released at any time.
 *
 * <p>A consumed-once reference ({@link dev.grove.Delivery#ONCE}, {@code ref(Delivery.ONCE)}) is for one
 * receiver: when the view that receiver mapped from it is closed, the region goes back to its creator at
 * once, who writes its next message into the same file (the lease is only the safety net for a receiver that
 * dies or never maps). A process keeps the mappings of regions it let go of for a couple of seconds, without a
 * lock (to every other process they are not held), so mapping the same region again is cheap.
 *
 * <h2>Namespaces</h2>
 * {@link dev.grove.Namespace} keeps named variables any process of the user can retrieve; a registered
 * variable's region is kept by a pin until it is unregistered, whatever processes come and go. Every
 * namespace operation is atomic across processes and threads (an exclusive file lock around the directory);
 * the directory (Chronicle Map) is loaded on first use only.
 *
 * <h2>Writing, disks and the lazy store</h2>
 * {@link dev.grove.ArrayWriter} and {@link dev.grove.TableWriter} build arrays, matrices and tables in place
 * (on a disk store for data larger than RAM) and may share a region for writing with other processes until it
 * is sealed; {@link dev.grove.RegionStore#mapPrivate} and {@link dev.grove.RegionStore#duplicate} give
 * private writable images ({@link dev.grove.MapMode}). A {@link dev.grove.LazyStore} keeps named objects in a
 * directory across processes and runs, each mapped when first read, committed atomically. Writers and
 * private mappings are for one thread (or threads the caller orders); a lazy store is thread-safe.
 */
package dev.grove;

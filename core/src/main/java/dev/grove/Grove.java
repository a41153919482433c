package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Encoder;

import java.util.List;
import java.util.Map;

/**
 * Entry point: {@code share} copies an object graph into one new shared region and returns a lazy,
 * read-only view of it; {@code map} opens a region (or any part of it) by path or reference, from any
 * process of the same user on the machine.
 *
 * <h2>What can be shared</h2>
 * All eight primitive arrays; {@code String}; {@code String[]} and lists of strings (nulls allowed);
 * boxed scalars ({@code Boolean}, {@code Byte}, {@code Character}, {@code Short}, {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}), each keeping its type; {@code List}s nested to any depth
 * mixing all of these (nulls allowed; a list of one boxed type becomes that type's array view);
 * {@code Map}s with non-null {@code String} keys, in iteration order (null values allowed); {@link Table};
 * rectangular matrices of any primitive type ({@code double[][]}, {@code int[][]}, ...); and Grove's own
 * views, which are copied. Anything else raises {@link UnsupportedTypeException} naming the class and its position, before any region is created.
 *
 * <h2>Threads and lifetime</h2>
 * All methods are thread-safe. A view holds its region until it is closed or garbage collected; the
 * region's file is deleted when no process holds a view and no reference's lease is running. Regions live
 * in the store directory: {@code /dev/shm/grove-<user>} unless the system property {@code grove.store}
 * or the environment variable {@code GROVE_STORE} names another.
 *
 * <h2>Placement: data larger than RAM</h2>
 * With {@code grove.disk.threshold} (or {@code GROVE_DISK_THRESHOLD}) set to a size in bytes (suffixes
 * {@code k}, {@code m}, {@code g} allowed), {@code share} and {@code allocate} put every region of at least
 * that size into the disk store named by {@code grove.disk.dir} ({@code GROVE_DISK_DIR}) instead of shared
 * memory; the Fory bridge and the sharing object streams, which use them, follow. Off by default.
 */
public final class Grove {
    private Grove() {
    }

    /** Shares a {@code boolean[]}. */
    public static SharedBooleanArray share(boolean[] values) {
        return share(values, SharedBooleanArray.class);
    }

    /** Shares a {@code byte[]}. */
    public static SharedByteArray share(byte[] values) {
        return share(values, SharedByteArray.class);
    }

    /** Shares a {@code char[]}. */
    public static SharedCharArray share(char[] values) {
        return share(values, SharedCharArray.class);
    }

    /** Shares a {@code short[]}. */
    public static SharedShortArray share(short[] values) {
        return share(values, SharedShortArray.class);
    }

    /** Shares an {@code int[]}. */
    public static SharedIntArray share(int[] values) {
        return share(values, SharedIntArray.class);
    }

    /** Shares a {@code long[]}. */
    public static SharedLongArray share(long[] values) {
        return share(values, SharedLongArray.class);
    }

    /** Shares a {@code float[]}. */
    public static SharedFloatArray share(float[] values) {
        return share(values, SharedFloatArray.class);
    }

    /** Shares a {@code double[]} with one bulk copy. */
    public static SharedDoubleArray share(double[] values) {
        return share(values, SharedDoubleArray.class);
    }

    /** Shares a string. */
    public static SharedString share(String value) {
        return share(value, SharedString.class);
    }

    /** Shares an array of strings; nulls allowed. */
    @SuppressWarnings("unchecked")
    public static SharedList<String> share(String[] values) {
        return share(values, SharedList.class);
    }

    /**
     * Shares a list and everything it holds. A list of strings becomes a string array, a list of one
     * boxed type that type's array view ({@code List<Double>} gives a {@link SharedDoubleArray}).
     */
    @SuppressWarnings("unchecked")
    public static <E> SharedList<E> share(List<E> list) {
        return share(list, SharedList.class);
    }

    /** Shares a map with string keys, keeping its iteration order. */
    @SuppressWarnings("unchecked")
    public static <V> SharedMap<V> share(Map<String, V> map) {
        return share(map, SharedMap.class);
    }

    /** Shares a table: all columns in one region. */
    public static SharedTable share(Table table) {
        return share(table, SharedTable.class);
    }

    /** Shares a rectangular matrix of doubles, stored row-major. */
    public static SharedMatrix share(double[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of floats, stored row-major. */
    public static SharedMatrix share(float[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of longs, stored row-major. */
    public static SharedMatrix share(long[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of ints, stored row-major (R's integer and logical matrices map here). */
    public static SharedMatrix share(int[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of shorts, stored row-major. */
    public static SharedMatrix share(short[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of chars, stored row-major. */
    public static SharedMatrix share(char[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of bytes, stored row-major. */
    public static SharedMatrix share(byte[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /** Shares a rectangular matrix of booleans, stored row-major (one byte each). */
    public static SharedMatrix share(boolean[][] matrix) {
        return share(matrix, SharedMatrix.class);
    }

    /**
     * Shares any supported value (see the class description); a boxed scalar gives a
     * {@link SharedValue}.
     *
     * @throws UnsupportedTypeException if the graph holds a value Grove cannot store
     * @throws StoreFullException       if the store has no room for the region
     */
    public static SharedObject share(Object value) {
        return share(value, SharedObject.class);
    }

    private static <T extends SharedObject> T share(Object value, Class<T> type) {
        Encoder.Plan plan = Encoder.plan(value, Views.SHAPE);
        return type.cast(Placement.storeFor(plan.size()).share(plan));
    }

    /**
     * Starts a primitive array of {@code length} elements directly in a new region, to be filled through
     * its segment and then sealed; see {@link ArrayWriter}.
     *
     * @param type the view type to produce, such as {@code SharedDoubleArray.class}
     */
    public static <V extends SharedList<?>> ArrayWriter<V> allocate(Class<V> type, long length) {
        ElementType e = Views.arrayType(type);
        long bytes = e == null || length < 0 ? 0 : Math.multiplyExact(length, e.size());
        return Placement.storeFor(bytes).allocate(type, length);
    }

    /**
     * As {@link #allocate}, for a writer that overwrites every element: they start unspecified instead of
     * zero; see {@link RegionStore#allocateForOverwrite}.
     */
    public static <V extends SharedList<?>> ArrayWriter<V> allocateForOverwrite(Class<V> type, long length) {
        ElementType e = Views.arrayType(type);
        long bytes = e == null || length < 0 ? 0 : Math.multiplyExact(length, e.size());
        return Placement.storeFor(bytes).allocateForOverwrite(type, length);
    }

    /** A matrix written in place (in the default store, or on disk above the threshold); see {@link RegionStore#allocateMatrix}. */
    public static ArrayWriter<SharedMatrix> allocateMatrix(Class<?> elementType, long rows, long cols) {
        ElementType e = ElementType.ofPrimitive(elementType);
        long bytes = e == null || rows < 0 || cols < 0 ? 0 : Math.multiplyExact(Math.multiplyExact(rows, cols), e.size());
        return Placement.storeFor(bytes).allocateMatrix(elementType, rows, cols);
    }

    /**
     * Passes an access hint for the pages behind {@code view} to the kernel ({@code madvise}); see
     * {@link Advice}. Hints change speed, never content.
     *
     * @return whether the kernel took it (an older kernel may not know {@link Advice#POPULATE_READ})
     */
    public static boolean advise(SharedObject view, Advice advice) {
        return advise(view.segment(), advice);
    }

    /**
     * As {@link #advise(SharedObject, Advice)}, for part of a view's segment (or of any segment of a mapping,
     * such as {@link ArrayWriter#segment()}): a scan over a region on disk that populates the window ahead
     * ({@link Advice#POPULATE_READ}) takes one system call per window instead of a page fault per page.
     */
    public static boolean advise(java.lang.foreign.MemorySegment range, Advice advice) {
        return dev.grove.internal.Regions.advise(range, advice.linux);
    }

    /** A table written in place (on disk above the threshold); see {@link RegionStore#allocateTable}. */
    public static TableWriter allocateTable(long rows, Map<String, Class<?>> columns) {
        long rowBytes = 0;
        for (Class<?> c : columns.values()) {
            ElementType e = ElementType.ofPrimitive(c);
            rowBytes += e == null ? 0 : e.size();
        }
        return Placement.storeFor(rows < 0 ? 0 : Math.multiplyExact(rows, rowBytes)).allocateTable(rows, columns);
    }

    /** A writer over a region another process shares for writing; see {@link RegionStore#mapWritable}. */
    public static <V extends SharedObject> ArrayWriter<V> mapWritable(SharedRef ref, Class<V> type) {
        return RegionStore.defaultStore().mapWritable(ref, type);
    }

    /**
     * The view at {@code path}: the region's root for {@code /name}, or a part of it for
     * {@code /name[i][j]...}. A region this process already maps is not mapped again. Returns null where
     * the path names a null element.
     *
     * @param <T> the view type the caller expects; a wrong guess fails with {@link ClassCastException} at
     *            the assignment (use {@link #map(String, Class)} to have it checked)
     * @throws InvalidPathException     if the path is malformed or leads nowhere
     * @throws RegionNotFoundException  if the region does not exist (any more)
     * @throws RegionCorruptException   if the region file is not valid
     */
    public static <T extends SharedObject> T map(String path) {
        return RegionStore.defaultStore().map(path);
    }

    /**
     * The view at {@code path}, checked to be a {@code type}.
     *
     * @throws InvalidPathException if the view at {@code path} is of another type
     */
    public static <T extends SharedObject> T map(String path, Class<T> type) {
        return checkType(map(path), path, type);
    }

    /**
     * The view a reference names, checked to be a {@code type}.
     *
     * @throws InvalidPathException    if the view there is of another type
     * @throws StaleReferenceException if the region under that name has another id
     */
    public static <T extends SharedObject> T map(SharedRef ref, Class<T> type) {
        return checkType(map(ref), ref.path(), type);
    }

    private static <T extends SharedObject> T checkType(SharedObject v, String path, Class<T> type) {
        if (v != null && !type.isInstance(v)) {
            String actual = v.getClass().getSimpleName();
            v.close();
            throw new InvalidPathException("view has another type: path=" + path + " expected="
                    + type.getSimpleName() + " actual=" + actual);
        }
        return type.cast(v);
    }

    /**
     * The view a reference names, from the store the reference names (the default one unless it says
     * otherwise), after checking that the region carries the reference's id and that the reference was made
     * in this boot of this machine.
     *
     * @throws StaleReferenceException if the region under that name has another id, or the reference comes
     *                                 from another machine or an earlier boot
     */
    public static <T extends SharedObject> T map(SharedRef ref) {
        return RegionStore.defaultStore().map(ref);
    }

    /**
     * Pins the region under {@code view} in the default store until {@link Pin#unpin()}: the data then
     * outlives every view, lease and process, as data at rest must (a reference kept in a cache, a queue
     * or a database row). See {@link RegionStore#pin(SharedObject, java.time.Duration)}.
     */
    public static Pin pin(SharedObject view) {
        return RegionStore.defaultStore().pin(view);
    }

    /** As {@link #pin(SharedObject)}, for {@code duration} only. */
    public static Pin pin(SharedObject view, java.time.Duration duration) {
        return RegionStore.defaultStore().pin(view, duration);
    }

    /**
     * Reads a whole region and checks it against the checksum written when it was sealed.
     *
     * @throws RegionCorruptException if any byte changed since
     */
    public static void verify(String path) {
        RegionStore.defaultStore().verify(path);
    }
}

package dev.grove.parallel;

import dev.grove.ArrayWriter;
import dev.grove.RegionStore;
import dev.grove.SharedList;
import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedRef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What running a task's elements needs, in the process that runs them: the data (a matrix or a list), the
 * variables and the optional result array, as views. In a worker JVM they are mapped from the task's
 * references and closed with {@link #close()}; on threads they are the caller's own.
 */
final class TaskContext implements AutoCloseable {
    private final Task.Kind kind;
    private final SerializableBiFunction<Object, Vars, Object> fn;
    private final SharedMatrix matrix;
    private final SharedList<?> list;
    private final Vars vars;
    private final MemorySegment result;
    private final Class<?> resultType;
    private final List<AutoCloseable> owned = new ArrayList<>();
    /** The writer of the result array, if this context mapped one: released first, at the end of the call. */
    private AutoCloseable resultWriter;
    /**
     * Each thread's block of gathered columns, kept from call to call: a worker would otherwise allocate (and
     * the kernel fault in) megabytes of fresh heap for every call.
     */
    private static final ThreadLocal<ColumnBlock> BLOCKS = ThreadLocal.withInitial(ColumnBlock::new);
    /** Whether this call's columns are gathered ({@link ColumnBlock}). */
    private final boolean gathers;
    private static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();
    /** Tells this call's gathered blocks from another's, without a block keeping the call (and its views) alive. */
    private final long callId = CALLS.incrementAndGet();

    TaskContext(Task.Kind kind, SerializableBiFunction<Object, Vars, Object> fn, SharedObject data, Vars vars,
                MemorySegment result, Class<?> resultType) {
        this.kind = kind;
        this.fn = fn;
        this.matrix = data instanceof SharedMatrix m ? m : null;
        this.list = data instanceof SharedList<?> l ? l : null;
        this.vars = vars;
        this.result = result;
        this.resultType = resultType;
        this.gathers = kind == Task.Kind.COLUMNS && ColumnBlock.width(matrix) > 1;
    }

    /** Maps everything a worker JVM needs from the task's references. */
    static TaskContext mapped(Task t) {
        RegionStore store = RegionStore.defaultStore(); // a reference finds its own store
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            SharedObject data = store.map(t.data());
            owned.add(data);
            Map<String, SharedObject> views = new LinkedHashMap<>();
            for (Map.Entry<String, SharedRef> e : t.vars().entrySet()) {
                SharedObject v = store.map(e.getValue());
                owned.add(v);
                views.put(e.getKey(), v);
            }
            MemorySegment out = null;
            Class<?> outType = null;
            if (t.result() != null) {
                ArrayWriter<? extends SharedObject> w = store.mapWritable(t.result(), t.resultClass());
                owned.add(w);
                out = w.segment();
                outType = w.elementType();
            }
            TaskContext c = new TaskContext(t.kind(), t.fn(), data, new Vars(views), out, outType);
            c.owned.addAll(owned);
            c.resultWriter = t.result() == null ? null : owned.getLast();
            return c;
        } catch (RuntimeException | Error e) {
            closeAll(owned);
            throw e;
        }
    }

    /** Number of elements the function is applied to. */
    long size() {
        return switch (kind) {
            case ROWS -> matrix.rows();
            case COLUMNS -> matrix.cols();
            case ELEMENTS -> list.size();
        };
    }

    /**
     * Applies the function to element {@code i} of a chunk that ends before {@code end}: its result, or null
     * once written to the result array.
     */
    Object run(long i, long end) {
        Object arg = switch (kind) {
            case ROWS -> new Slice(this, matrix, Margin.ROWS, i, null, 0);
            case COLUMNS -> new Slice(this, matrix, Margin.COLUMNS, i, gathers ? BLOCKS.get() : null, end);
            case ELEMENTS -> list.get(Math.toIntExact(i));
        };
        Object r = fn.apply(arg, vars);
        if (result == null) {
            return r;
        }
        write(i, r);
        return null;
    }

    private void write(long i, Object r) {
        if (!(r instanceof Number n)) {
            throw new IllegalArgumentException("a result array takes numbers: index=" + i + " result="
                    + (r == null ? "null" : r.getClass().getName()));
        }
        if (resultType == double.class) {
            result.setAtIndex(ValueLayout.JAVA_DOUBLE, i, n.doubleValue());
        } else if (resultType == long.class) {
            result.setAtIndex(ValueLayout.JAVA_LONG, i, n.longValue());
        } else if (resultType == int.class) {
            result.setAtIndex(ValueLayout.JAVA_INT, i, n.intValue());
        } else if (resultType == float.class) {
            result.setAtIndex(ValueLayout.JAVA_FLOAT, i, n.floatValue());
        } else {
            throw new IllegalArgumentException("result arrays of double, long, int or float: type=" + resultType);
        }
    }

    /**
     * Columns of a row-major double matrix, gathered a block at a time. A column of a wide matrix has one
     * element per row, each on a page of its own once a row exceeds 4 KiB, so reading columns one by one walks
     * every page of the matrix once per column, and the page-table walks, not the arithmetic, set the pace
     * (worse in worker JVMs, whose page tables are their own). One pass over the rows fills a block of up to
     * {@link #width} adjacent columns of the chunk, each page walked once per block; chunks of column calls
     * are whole blocks ({@link Run}), so that blocks are not cut short. One per thread; the arrays are reused
     * from block to block, which is why a {@link Slice} is valid during its call only.
     */
    static final class ColumnBlock {
        /** The matrix's elements are little-endian, whatever this machine's order. */
        private static final ValueLayout.OfDouble LITTLE_ENDIAN_DOUBLE =
                ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final int MAX_COLUMNS = 64;
        private static final long MAX_BYTES = 8L << 20;
        private double[][] columns = new double[0][];
        /** The call the block was gathered for ({@code callId}): a block never serves another call. */
        private long call;
        private long first;
        private int count;
        /**
         * Counts refills: a slice that finds it changed was kept past its call, and fails instead of misreading.
         * Only the block's own thread writes it; volatile for slices read on other threads.
         */
        volatile int generation;

        /** How many columns of {@code m} a block gathers at once: 1 (none) unless a double matrix. */
        static int width(SharedMatrix m) {
            if (m == null || m.elementType() != double.class || m.rows() > Integer.MAX_VALUE) {
                return 1;
            }
            return (int) Math.min(MAX_COLUMNS, Math.max(1, MAX_BYTES / Double.BYTES / Math.max(1, m.rows())));
        }

        /**
         * Column {@code c} of {@code call}'s matrix {@code m} (in a chunk ending before {@code end}), gathered now
         * or already; null to read it in place.
         */
        double[] column(TaskContext call, SharedMatrix m, long c, long end) {
            if (call.callId == this.call && c >= first && c < first + count) {
                return columns[(int) (c - first)];
            }
            int width = width(m);
            int n = (int) Math.min(end - c, width);
            if (n < 2) {
                return null;
            }
            int rows = (int) m.rows();
            // The arrays are refilled below: whatever slice still holds them is stale from here on.
            generation++;
            if (columns.length < n || columns[0].length != rows) {
                columns = new double[width][rows];
            }
            MemorySegment data = m.segment();
            long rowBytes = m.cols() * Double.BYTES;
            long at = c * Double.BYTES;
            for (int r = 0; r < rows; r++, at += rowBytes) {
                for (int k = 0; k < n; k++) {
                    columns[k][r] = data.get(LITTLE_ENDIAN_DOUBLE, at + (long) k * Double.BYTES);
                }
            }
            this.call = call.callId;
            first = c;
            count = n;
            return columns[0];
        }
    }

    /** Whether results go to a shared result array rather than back as objects. */
    boolean writesResults() {
        return result != null;
    }

    /** Lets go of the result array at once (its creator seals it after the call); the views stay open. */
    void closeResult() {
        if (resultWriter != null) {
            owned.remove(resultWriter);
            closeAll(List.of(resultWriter));
            resultWriter = null;
        }
    }

    @Override
    public void close() {
        closeAll(owned);
        owned.clear();
    }

    private static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger("dev.grove.parallel").log(System.Logger.Level.DEBUG, "closing a task's view failed", e);
            }
        }
    }
}

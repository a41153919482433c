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

    TaskContext(Task.Kind kind, SerializableBiFunction<Object, Vars, Object> fn, SharedObject data, Vars vars,
                MemorySegment result, Class<?> resultType) {
        this.kind = kind;
        this.fn = fn;
        this.matrix = data instanceof SharedMatrix m ? m : null;
        this.list = data instanceof SharedList<?> l ? l : null;
        this.vars = vars;
        this.result = result;
        this.resultType = resultType;
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

    /** Applies the function to element {@code i}: its result, or null once written to the result array. */
    Object run(long i) {
        Object arg = switch (kind) {
            case ROWS -> new Slice(matrix, Margin.ROWS, i);
            case COLUMNS -> new Slice(matrix, Margin.COLUMNS, i);
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

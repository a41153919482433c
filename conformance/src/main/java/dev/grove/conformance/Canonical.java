package dev.grove.conformance;

import dev.grove.SharedMatrix;
import dev.grove.SharedObject;
import dev.grove.SharedString;
import dev.grove.SharedTable;
import dev.grove.SharedValue;
import dev.grove.Table;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A comparable form of anything Grove shares, so that an original graph and what a transport delivered
 * can be compared with {@code equals}: arrays become lists, matrices lists of rows, tables named column
 * lists, maps keep their key order, views their plain content. Sub-views created on the way are closed.
 */
public final class Canonical {
    private Canonical() {
    }

    /** The canonical form of {@code v}: an original value or anything Grove or a transport produced. */
    public static Object of(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Character) {
            return v;
        }
        if (v instanceof SharedString s) {
            return s.toString();
        }
        if (v instanceof SharedValue<?> s) {
            return s.get();
        }
        if (isMatrix(v)) {
            return List.of("matrix", of(List.of((Object[]) v)));
        }
        if (v instanceof SharedMatrix m) {
            List<Object> rows = new ArrayList<>();
            for (long r = 0; r < m.rows(); r++) {
                rows.add(ofAndClose(m.row(r)));
            }
            return List.of("matrix", rows);
        }
        if (v instanceof Table t) {
            return table(t.columnNames(), c -> of(t.column(c)));
        }
        if (v instanceof SharedTable t) {
            return table(t.columnNames(), c -> ofAndClose(t.column(c)));
        }
        if (v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                out.add(of(Array.get(v, i)));
            }
            return out;
        }
        boolean view = v instanceof SharedObject;
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(view ? ofAndClose(x) : of(x));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, view ? ofAndClose(x) : of(x)));
            return List.of("map", out, new ArrayList<>(m.keySet()));
        }
        return v;
    }

    /** Whether {@code v} is a matrix: an array of primitive arrays, such as {@code double[][]} or {@code int[][]}. */
    static boolean isMatrix(Object v) {
        Class<?> row = v.getClass().getComponentType();
        return row != null && row.isArray() && row.getComponentType().isPrimitive();
    }

    private static Object table(List<String> names, java.util.function.IntFunction<Object> column) {
        Map<String, Object> cols = new LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) {
            cols.put(names.get(c), column.apply(c));
        }
        return List.of("table", cols);
    }

    private static Object ofAndClose(Object x) {
        Object c = of(x);
        if (x instanceof SharedObject so) {
            so.close();
        }
        return c;
    }
}

package dev.grove;

import dev.grove.internal.ElementType;
import dev.grove.internal.Encoder;
import dev.grove.internal.Hold;
import dev.grove.internal.Node;
import dev.grove.internal.PathSyntax;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.grove.internal.Format.*;

/** Turns checked nodes into views and values, walks paths, and describes views to the encoder. */
final class Views {
    private Views() {
    }

    /** The handle of any of Grove's views. */
    /** The simple name of the public view type {@code v} is: {@code SharedList} for a list of objects, say. */
    static String publicName(SharedObject v) {
        Class<?> c = v.getClass();
        while (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    static Handle handle(SharedObject v) {
        return switch (v) {
            case SharedList<?> l -> l.h;
            case SharedMap<?> m -> m.h;
            case SingleView s -> s.h;
            default -> throw new IllegalArgumentException("not one of Grove's views: " + v.getClass().getName());
        };
    }

    /** The view of {@code n}, owning {@code hold}. */
    static SharedObject view(Node n, Hold hold) {
        int tag = n.tag();
        if (isScalar(tag)) {
            return new SharedValue<>(n, hold, scalar(n));
        }
        if (isPrimitiveArray(tag)) {
            return array(n.elementType(), n.path(), hold, n.payloadSlice(0, n.length()));
        }
        return switch (tag) {
            case STRING -> new SharedString(n.path(), hold, n.payloadSlice(0, n.length()), (n.aux() & AUX_WTF8) != 0);
            case STRING_ARRAY -> new StringList(n, hold);
            case LIST -> new ObjectList(n, hold);
            case MAP -> new SharedMap<>(n, hold);
            case TABLE -> new SharedTable(n, hold);
            case MATRIX -> new SharedMatrix(n, hold);
            default -> throw new IllegalStateException("unchecked tag " + tag);
        };
    }

    /** The array view of element type {@code type}: the one place that knows which class views which type. */
    static PrimitiveArray<?> array(ElementType type, String path, Hold hold, MemorySegment data) {
        return switch (type) {
            case BOOLEAN -> new SharedBooleanArray(path, hold, data);
            case BYTE -> new SharedByteArray(path, hold, data);
            case CHAR -> new SharedCharArray(path, hold, data);
            case SHORT -> new SharedShortArray(path, hold, data);
            case INT -> new SharedIntArray(path, hold, data);
            case LONG -> new SharedLongArray(path, hold, data);
            case FLOAT -> new SharedFloatArray(path, hold, data);
            case DOUBLE -> new SharedDoubleArray(path, hold, data);
        };
    }

    /**
     * The element type an array view class holds ({@code SharedIntArray extends PrimitiveArray<Integer>}
     * holds INT), read from its declaration; null for any other class.
     */
    static ElementType arrayType(Class<?> viewClass) {
        if (viewClass.getSuperclass() != PrimitiveArray.class) {
            return null;
        }
        java.lang.reflect.Type element = ((java.lang.reflect.ParameterizedType) viewClass.getGenericSuperclass())
                .getActualTypeArguments()[0];
        return ElementType.ofBoxedClass((Class<?>) element);
    }

    private static Object scalar(Node n) {
        return n.elementType().get(n.segment(), n.payload());
    }

    /**
     * A container's element as {@link java.util.List#get} returns it: null, a boxed scalar, a
     * {@code String}, or a view with its own claim.
     */
    static Object element(Handle parent, Node child) {
        if (child == null) {
            return null;
        }
        if (isScalar(child.tag())) {
            return scalar(child);
        }
        if (child.tag() == STRING) {
            return child.string();
        }
        return view(child, parent.acquire());
    }

    /**
     * The view at {@code path} inside the region {@code hold} claims, or null where the path ends at a
     * null element. The claim passes to the view; on failure (or a null) it is released.
     */
    static SharedObject resolve(Hold hold, PathSyntax.Parsed path) {
        try {
            Node n = hold.region().rootNode();
            long[] idx = path.indices();
            for (int d = 0; d < idx.length; d++) {
                String childPath = path.prefix(d + 1);
                long i = idx[d];
                int tag = n.tag();
                boolean container = tag == LIST || tag == MAP || tag == TABLE || tag == STRING_ARRAY || tag == MATRIX;
                if (!container) {
                    throw new InvalidPathException("index into something that is not a container: path=" + childPath
                            + " at=" + path.prefix(d) + " type=" + tagName(tag));
                }
                long count = n.count();
                if (i >= count) {
                    throw new InvalidPathException("index past the end: path=" + childPath + " index=" + i
                            + " length=" + count);
                }
                boolean last = d == idx.length - 1;
                if (tag == STRING_ARRAY || tag == MATRIX) {
                    if (!last) {
                        throw new InvalidPathException("index into something that is not a container: path="
                                + path.prefix(d + 2) + " at=" + childPath + " type="
                                + (tag == MATRIX ? n.elementType().javaName() + "[]" : "string"));
                    }
                    return tag == MATRIX ? matrixRow(n, i, hold, childPath) : stringElement(n, i, hold, childPath);
                }
                Node c = n.child(i, childPath);
                if (c == null) {
                    if (!last) {
                        throw new InvalidPathException("index into a null element: path=" + path.prefix(d + 2)
                                + " at=" + childPath);
                    }
                    hold.release();
                    return null;
                }
                n = c;
            }
            return view(n, hold);
        } catch (RuntimeException | Error e) {
            hold.release();
            throw e;
        }
    }

    private static SharedObject matrixRow(Node m, long r, Hold hold, String path) {
        ElementType type = m.elementType();
        long rowBytes = m.cols() * type.size();
        return array(type, path, hold, m.elements().asSlice(r * rowBytes, rowBytes));
    }

    private static SharedObject stringElement(Node strings, long i, Hold hold, String path) {
        if (strings.isNullString(i)) {
            hold.release();
            return null;
        }
        int len = strings.stringLength(i);
        MemorySegment bytes = strings.segment().asSlice(strings.stringStart(i), len);
        return new SharedString(path, hold, bytes, (strings.aux() & AUX_WTF8) != 0);
    }

    /** A list view as a plain array: see {@link SharedList#toPlainArray()}. */
    static Object toArray(SharedList<?> col) {
        return switch (col) {
            case PrimitiveArray<?> a -> a.copyOut(0, Math.toIntExact(a.length()));
            case StringList a -> a.toArray(new String[0]);
            default -> col.toArray();
        };
    }

    /** How the encoder sees Grove's public types. */
    static final Encoder.Shape SHAPE = new Encoder.Shape() {
        @Override
        public List<String> tableNames(Object v) {
            return v instanceof Table t ? t.columnNames() : v instanceof SharedTable s ? s.columnNames() : null;
        }

        @Override
        public List<Object> tableColumns(Object v) {
            if (v instanceof Table t) {
                return t.columns();
            }
            SharedTable s = (SharedTable) v;
            List<Object> cols = new java.util.ArrayList<>();
            for (int c = 0; c < s.columnCount(); c++) {
                cols.add(s.column(c));
            }
            return cols;
        }

        @Override
        public Encoder.SharedArray sharedArray(Object v) {
            return v instanceof PrimitiveArray<?> a ? new Encoder.SharedArray(a.type, a.length(), 1, a.segment()) : null;
        }

        @Override
        public Encoder.SharedArray sharedMatrix(Object v) {
            return v instanceof SharedMatrix m ? new Encoder.SharedArray(m.type(), m.rows(), m.cols(), m.segment()) : null;
        }

        @Override
        public String sharedString(Object v) {
            return v instanceof SharedString s ? s.toString() : null;
        }
    };

}

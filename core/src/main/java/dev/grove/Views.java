package dev.grove;

import dev.grove.internal.Encoder;
import dev.grove.internal.Hold;
import dev.grove.internal.Node;
import dev.grove.internal.PathSyntax;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.grove.internal.Format.*;

/** Turns checked nodes into views and values, walks paths, and describes views to the encoder. */
final class Views {
    private Views() {
    }

    /** The view of {@code n}, owning {@code hold}. */
    static SharedObject view(Node n, Hold hold) {
        int tag = n.tag();
        if (isScalar(tag)) {
            return new SharedValue<>(n, hold, scalar(n));
        }
        if (isPrimitiveArray(tag)) {
            return array(tag, n.path(), hold, n.payloadSlice(0, n.length()));
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

    private static SharedList<?> array(int tag, String path, Hold hold, MemorySegment data) {
        return switch (tag) {
            case BOOLEAN_ARRAY -> new SharedBooleanArray(path, hold, data);
            case BYTE_ARRAY -> new SharedByteArray(path, hold, data);
            case CHAR_ARRAY -> new SharedCharArray(path, hold, data);
            case SHORT_ARRAY -> new SharedShortArray(path, hold, data);
            case INT_ARRAY -> new SharedIntArray(path, hold, data);
            case LONG_ARRAY -> new SharedLongArray(path, hold, data);
            case FLOAT_ARRAY -> new SharedFloatArray(path, hold, data);
            case DOUBLE_ARRAY -> new SharedDoubleArray(path, hold, data);
            default -> throw new IllegalStateException("not an array tag " + tag);
        };
    }

    private static Object scalar(Node n) {
        MemorySegment s = n.segment();
        long p = n.payload();
        return switch (n.tag()) {
            case BOOLEAN -> s.get(ValueLayout.JAVA_BYTE, p) != 0;
            case BYTE -> s.get(ValueLayout.JAVA_BYTE, p);
            case CHAR -> (char) s.get(U16, p);
            case SHORT -> s.get(U16, p);
            case INT -> s.get(U32, p);
            case LONG -> s.get(U64, p);
            case FLOAT -> Float.intBitsToFloat(s.get(U32, p));
            case DOUBLE -> Double.longBitsToDouble(s.get(U64, p));
            default -> throw new IllegalStateException("not a scalar tag " + n.tag());
        };
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
                                + path.prefix(d + 2) + " at=" + childPath + " type=" + (tag == MATRIX ? "double[]" : "string"));
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
        long cols = m.cols();
        return new SharedDoubleArray(path, hold, m.payloadSlice(16 + r * cols * 8, cols * 8));
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
            case SharedBooleanArray a -> a.toBooleanArray();
            case SharedByteArray a -> a.toByteArray();
            case SharedCharArray a -> a.toCharArray();
            case SharedShortArray a -> a.toShortArray();
            case SharedIntArray a -> a.toIntArray();
            case SharedLongArray a -> a.toLongArray();
            case SharedFloatArray a -> a.toFloatArray();
            case SharedDoubleArray a -> a.toDoubleArray();
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
            if (!(v instanceof SharedList<?> l) || v instanceof ObjectList || v instanceof StringList) {
                return null;
            }
            int tag = switch (l) {
                case SharedBooleanArray a -> BOOLEAN_ARRAY;
                case SharedByteArray a -> BYTE_ARRAY;
                case SharedCharArray a -> CHAR_ARRAY;
                case SharedShortArray a -> SHORT_ARRAY;
                case SharedIntArray a -> INT_ARRAY;
                case SharedLongArray a -> LONG_ARRAY;
                case SharedFloatArray a -> FLOAT_ARRAY;
                default -> DOUBLE_ARRAY;
            };
            return new Encoder.SharedArray(tag, l.length(), 1, l.segment());
        }

        @Override
        public Encoder.SharedArray sharedMatrix(Object v) {
            return v instanceof SharedMatrix m ? new Encoder.SharedArray(MATRIX, m.rows(), m.cols(), m.segment()) : null;
        }

        @Override
        public String sharedString(Object v) {
            return v instanceof SharedString s ? s.toString() : null;
        }
    };

}

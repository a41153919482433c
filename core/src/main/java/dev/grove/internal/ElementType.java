package dev.grove.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;

/**
 * The eight primitive element types, in one place: format tag, size, little-endian layout, Java classes,
 * and how a value or an array of the type is read from and written to a region. The encoder, the node
 * checks, the views and the inspector ask this registry; adding an element type means adding a constant
 * here, its view class, and a line in docs/FORMAT.md.
 */
public enum ElementType {
    BOOLEAN(Format.BOOLEAN, boolean.class, Boolean.class, ValueLayout.JAVA_BYTE),
    BYTE(Format.BYTE, byte.class, Byte.class, ValueLayout.JAVA_BYTE),
    CHAR(Format.CHAR, char.class, Character.class, Layouts.CHAR),
    SHORT(Format.SHORT, short.class, Short.class, Layouts.SHORT),
    INT(Format.INT, int.class, Integer.class, Layouts.INT),
    LONG(Format.LONG, long.class, Long.class, Layouts.LONG),
    FLOAT(Format.FLOAT, float.class, Float.class, Layouts.FLOAT),
    DOUBLE(Format.DOUBLE, double.class, Double.class, Layouts.DOUBLE);

    private static final ElementType[] BY_TAG = new ElementType[Format.DOUBLE + 1];

    static {
        for (ElementType t : values()) {
            BY_TAG[t.tag] = t;
        }
    }

    /** The scalar tag; the array of this type has tag {@code tag + ARRAY}. */
    public final int tag;
    /** {@code int.class} and so on. */
    public final Class<?> primitive;
    /** {@code Integer.class} and so on. */
    public final Class<?> boxed;
    /** {@code int[].class} and so on. */
    public final Class<?> arrayClass;
    /** The layout of one element in a region: little-endian, naturally aligned in the payload. */
    public final ValueLayout layout;

    ElementType(int tag, Class<?> primitive, Class<?> boxed, ValueLayout layout) {
        this.tag = tag;
        this.primitive = primitive;
        this.boxed = boxed;
        this.arrayClass = primitive.arrayType();
        this.layout = layout;
    }

    /** Bytes per element. */
    public int size() {
        return (int) layout.byteSize();
    }

    /** The tag of an array of this type. */
    public int arrayTag() {
        return tag + Format.ARRAY;
    }

    /** The Java primitive class: {@code int.class}. */
    public Class<?> primitive() {
        return primitive;
    }

    /** The Java name: {@code "int"}. */
    public String javaName() {
        return primitive.getName();
    }

    /** The type of a scalar tag or a primitive-array tag, or null for any other tag. */
    public static ElementType ofTag(int tag) {
        if (tag >= Format.BOOLEAN && tag <= Format.DOUBLE) {
            return BY_TAG[tag];
        }
        return Format.isPrimitiveArray(tag) ? BY_TAG[tag - Format.ARRAY] : null;
    }

    /** The type of a boxed value ({@code Integer} is INT), or null. */
    public static ElementType ofBoxed(Object v) {
        return v == null ? null : ofBoxedClass(v.getClass());
    }

    /** The type whose boxed class is {@code c}, or null. */
    public static ElementType ofBoxedClass(Class<?> c) {
        for (ElementType t : values()) {
            if (t.boxed == c) {
                return t;
            }
        }
        return null;
    }

    /** The type whose primitive class is {@code c} ({@code double.class} is DOUBLE), or null. */
    public static ElementType ofPrimitive(Class<?> c) {
        for (ElementType t : values()) {
            if (t.primitive == c) {
                return t;
            }
        }
        return null;
    }

    /** The type of the elements of a primitive array class ({@code int[].class} is INT), or null. */
    public static ElementType ofArrayClass(Class<?> c) {
        for (ElementType t : values()) {
            if (t.arrayClass == c) {
                return t;
            }
        }
        return null;
    }

    /** The value at byte {@code offset}, boxed. */
    public Object get(MemorySegment s, long offset) {
        return switch (this) {
            case BOOLEAN -> bool(s.get(ValueLayout.JAVA_BYTE, offset), offset);
            case BYTE -> s.get(ValueLayout.JAVA_BYTE, offset);
            case CHAR -> s.get(Layouts.CHAR, offset);
            case SHORT -> s.get(Layouts.SHORT, offset);
            case INT -> s.get(Layouts.INT, offset);
            case LONG -> s.get(Layouts.LONG, offset);
            case FLOAT -> s.get(Layouts.FLOAT, offset);
            case DOUBLE -> s.get(Layouts.DOUBLE, offset);
        };
    }

    /** A stored boolean: 0 or 1, anything else makes the region corrupt. */
    public static boolean bool(byte b, long at) {
        if ((b & ~1) != 0) {
            throw new dev.grove.RegionCorruptException("boolean that is neither 0 nor 1: value=" + b + " at=" + at);
        }
        return b != 0;
    }

    /** Writes the boxed {@code v} at byte {@code offset}; floating-point values keep their exact bits (NaN payloads). */
    public void set(MemorySegment s, long offset, Object v) {
        switch (this) {
            case BOOLEAN -> s.set(ValueLayout.JAVA_BYTE, offset, (byte) ((Boolean) v ? 1 : 0));
            case BYTE -> s.set(ValueLayout.JAVA_BYTE, offset, (Byte) v);
            case CHAR -> s.set(Layouts.CHAR, offset, (Character) v);
            case SHORT -> s.set(Layouts.SHORT, offset, (Short) v);
            case INT -> s.set(Layouts.INT, offset, (Integer) v);
            case LONG -> s.set(Layouts.LONG, offset, (Long) v);
            case FLOAT -> s.set(Layouts.INT, offset, Float.floatToRawIntBits((Float) v));
            case DOUBLE -> s.set(Layouts.LONG, offset, Double.doubleToRawLongBits((Double) v));
        }
    }

    /** Copies all of {@code array} (of this type) to byte {@code offset} of {@code dst}, in one bulk copy where one exists. */
    public void copyIn(Object array, MemorySegment dst, long offset) {
        if (this == BOOLEAN) {
            // No bulk copy exists from boolean[]; this is the only per-element primitive loop.
            boolean[] a = (boolean[]) array;
            for (int i = 0; i < a.length; i++) {
                dst.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (a[i] ? 1 : 0));
            }
        } else {
            MemorySegment.copy(array, 0, dst, layout, offset, Array.getLength(array));
        }
    }

    /**
     * Whether arrays of this type are copied to and from regions as they lie in memory ({@link #heapSegment}):
     * not booleans (one byte each, checked on the way out), and only where the machine's byte order is the
     * format's.
     */
    public boolean copiesAsBytes() {
        return this != BOOLEAN && Copies.NATIVE_LITTLE_ENDIAN;
    }

    /** The elements of {@code array} (of this type, not boolean) as a heap segment, in the machine's byte order. */
    public MemorySegment heapSegment(Object array) {
        return switch (this) {
            case BOOLEAN -> throw new IllegalArgumentException("boolean arrays have no heap segment");
            case BYTE -> MemorySegment.ofArray((byte[]) array);
            case CHAR -> MemorySegment.ofArray((char[]) array);
            case SHORT -> MemorySegment.ofArray((short[]) array);
            case INT -> MemorySegment.ofArray((int[]) array);
            case LONG -> MemorySegment.ofArray((long[]) array);
            case FLOAT -> MemorySegment.ofArray((float[]) array);
            case DOUBLE -> MemorySegment.ofArray((double[]) array);
        };
    }

    /**
     * A new array of this type holding {@code count} elements from byte {@code offset} of {@code src}; large
     * arrays are copied on several cores.
     */
    public Object copyOut(MemorySegment src, long offset, int count) {
        Object out = Array.newInstance(primitive, count);
        if (this == BOOLEAN) {
            boolean[] a = (boolean[]) out;
            for (int i = 0; i < count; i++) {
                a[i] = bool(src.get(ValueLayout.JAVA_BYTE, offset + i), offset + i);
            }
        } else if (copiesAsBytes()) {
            Copies.copy(src.asSlice(offset, (long) count * size()), heapSegment(out));
        } else {
            MemorySegment.copy(src, layout, offset, out, 0, count);
        }
        return out;
    }
}

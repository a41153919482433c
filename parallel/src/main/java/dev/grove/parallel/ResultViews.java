package dev.grove.parallel;

import dev.grove.SharedDoubleArray;
import dev.grove.SharedFloatArray;
import dev.grove.SharedIntArray;
import dev.grove.SharedLongArray;
import dev.grove.SharedObject;

/** The view class of a result array by its element type: what a worker maps the result array as. */
final class ResultViews {
    private ResultViews() {
    }

    static Class<? extends SharedObject> classOf(Class<?> elementType) {
        if (elementType == double.class) {
            return SharedDoubleArray.class;
        }
        if (elementType == long.class) {
            return SharedLongArray.class;
        }
        if (elementType == int.class) {
            return SharedIntArray.class;
        }
        if (elementType == float.class) {
            return SharedFloatArray.class;
        }
        throw new IllegalArgumentException("result arrays of double, long, int or float: type=" + elementType);
    }
}

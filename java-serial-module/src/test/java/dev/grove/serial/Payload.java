package dev.grove.serial;

import java.io.Serializable;
import java.util.List;

/** A user's own Serializable class: small fields, large arrays, and a field that may hold a view. */
public final class Payload implements Serializable {
    private static final long serialVersionUID = 1L;
    public String name;
    public int year;
    public double[] values;
    public long[] stamps;
    public int[] small;
    public List<Double> prices;
    public Object data;
}

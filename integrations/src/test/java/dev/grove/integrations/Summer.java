package dev.grove.integrations;

import dev.grove.SharedDoubleArray;

/** The Dubbo service of the tests: checks the values it is sent, given as a Grove view or a plain array. */
public interface Summer {
    /** Starts counting the heap the provider allocates, for the next call's answer. */
    String mark();

    /** "ok", or where the view differs from {@code ProcStats.data(n, seed)}. */
    String check(SharedDoubleArray values, int n, int seed);

    /** The same for a plain array. */
    String checkPlain(double[] values, int n, int seed);

    /** Returns the data as a view, shared by the provider. */
    SharedDoubleArray fetch(int n, int seed);

    /** Accepts anything: the control for the allow list. */
    String accept(Object value);
}

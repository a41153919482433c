package dev.grove.parallel;

import dev.grove.SharedObject;

import java.util.Map;
import java.util.Set;

/**
 * The extra named values of a parallel call ({@code VARS} in memshare), each shared once and handed to every
 * function call as a view: {@code vars.get("y")} is the same {@link dev.grove.SharedDoubleArray} (say) in
 * every call of a worker. Valid during the call only.
 */
public final class Vars {
    private final Map<String, SharedObject> views;

    Vars(Map<String, SharedObject> views) {
        this.views = Map.copyOf(views);
    }

    /**
     * The view of variable {@code name}, typed as the caller expects.
     *
     * @throws IllegalArgumentException if the call has no such variable (naming those it has)
     */
    @SuppressWarnings("unchecked")
    public <T extends SharedObject> T get(String name) {
        SharedObject v = views.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no such variable: name=" + name + " vars=" + views.keySet());
        }
        return (T) v;
    }

    /** The variables' names. */
    public Set<String> names() {
        return views.keySet();
    }

    @Override
    public String toString() {
        return "vars " + views.keySet();
    }
}

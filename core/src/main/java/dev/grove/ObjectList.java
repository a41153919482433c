package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A shared list of mixed values: each element is decoded, or wrapped in a view, when it is read. */
final class ObjectList extends SharedList<Object> {
    private final Node node;

    ObjectList(Node node, Hold hold) {
        super(node.path(), hold, node.count());
        this.node = node;
    }

    @Override
    public Object get(long index) {
        h.check();
        Objects.checkIndex(index, length);
        try {
            return Views.element(h, node.child(index, path() + "[" + index + "]"));
        } catch (IllegalStateException | InternalError e) {
            throw h.fault(e);
        }
    }

    Node node() {
        return node;
    }

    @Override
    public MemorySegment segment() {
        h.check();
        return node.payloadSlice(0, node.length());
    }
}

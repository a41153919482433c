package dev.grove;

import dev.grove.internal.Hold;
import dev.grove.internal.Node;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A shared array of strings (nulls allowed): element i is found in O(1) and decoded when read. */
final class StringList extends SharedList<String> {
    private final Node node;

    StringList(Node node, Hold hold) {
        super(node.path(), hold, node.count());
        this.node = node;
    }

    @Override
    public String get(long index) {
        h.check();
        Objects.checkIndex(index, length);
        try {
            return node.string(index, path() + "[" + index + "]");
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

package dev.grove;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A writable private image of part of a region: a copy-on-write mapping ({@link MapMode#PRIVATE}, from
 * {@link RegionStore#mapPrivate}) or a copy in anonymous memory ({@link MapMode#DUPLICATE}, from
 * {@link RegionStore#duplicate}). Writes through {@link #segment()} are seen by this object alone: never by the
 * file, other views or other processes. The bytes are those of the view at {@link #path()}: an array's or a
 * matrix's elements (little-endian, row-major), or the node's payload for other types, as
 * {@code docs/FORMAT.md} describes. Thread-safe to read and write as a {@link MemorySegment} is; close it to
 * unmap.
 */
public final class PrivateMapping implements AutoCloseable {
    private final MapMode mode;
    private final String path;
    private final Class<?> elementType;
    private final MemorySegment segment;
    private final Arena arena;
    /** The view whose hold keeps the file open under a copy-on-write mapping; null for a duplicate. */
    private final SharedObject keeper;
    private final AtomicBoolean closed = new AtomicBoolean();

    PrivateMapping(MapMode mode, String path, Class<?> elementType, MemorySegment segment, Arena arena,
                   SharedObject keeper) {
        this.mode = mode;
        this.path = path;
        this.elementType = elementType;
        this.segment = segment;
        this.arena = arena;
        this.keeper = keeper;
    }

    /** {@link MapMode#PRIVATE} or {@link MapMode#DUPLICATE}. */
    public MapMode mode() {
        return mode;
    }

    /** The path of the view this image was made from. */
    public String path() {
        return path;
    }

    /** The primitive element type for an array or a matrix ({@code double.class}, ...), else null. */
    public Class<?> elementType() {
        return elementType;
    }

    /** The image, writable; valid until {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** Unmaps (or frees) the image and lets go of the region. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
            if (keeper != null) {
                keeper.close();
            }
        }
    }

    @Override
    public String toString() {
        return mode + " image of " + path + " (" + segment.byteSize() + " bytes)";
    }
}

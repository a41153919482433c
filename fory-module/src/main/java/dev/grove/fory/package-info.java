/**
 * Apache Fory support: {@link dev.grove.fory.GroveSerializers} makes Fory write every Grove view as its
 * reference; {@link dev.grove.fory.ForyBridge} moves the large primitive arrays of any object graph through
 * shared memory using Fory's out-of-band buffers.
 *
 * <p>Threads: registration must happen before the Fory instance is used, as with any Fory serializer; the
 * serializers themselves are stateless. A {@code ForyBridge} is as thread-safe as the Fory it wraps
 * (use a {@code ThreadSafeFory} to share one between threads). Lifetime: writing a view or bridging an array
 * takes a lease on its region (see {@link dev.grove.SharedObject#ref()}); views read back are owned by
 * the reader, who closes them or leaves them to the garbage collector.
 */
package dev.grove.fory;

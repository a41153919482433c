/**
 * A property-based test kit for any transport that carries Grove's shared objects: implement
 * {@link dev.grove.conformance.Transport}, extend {@link dev.grove.conformance.TransportProperties}. The
 * checks are also plain methods of {@link dev.grove.conformance.GroveContract}, and the generators live in
 * {@link dev.grove.conformance.GroveGenerators}.
 *
 * <p>Threads: a transport instance is used by one property at a time, but the damage check calls it from a
 * helper thread (to bound a hang), so it must not depend on the calling thread. Lifetime: every view the
 * kit creates or receives is closed by the kit; the peer closes every view it decodes once it has answered (a
 * peer that keeps one is named, pid and command line, by the lifetime check); the transport's {@code close()}
 * must end its peer, after which the kit checks that no region is left in the store. Every property makes at
 * least {@link dev.grove.conformance.TransportProperties#MIN_CALLS} calls, and a failure the same input does
 * not repeat is reported as intermittent.
 */
package dev.grove.conformance;

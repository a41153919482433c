/**
 * Grove inside third-party frameworks. {@link dev.grove.integrations.GroveForySerialization} is an Apache
 * Dubbo serialization on Apache Fory with Grove registered. Hazelcast needs no code, only configuration
 * (see {@code docs/INTEGRATIONS.md}); this module's tests run Hazelcast and Dubbo across JVMs with strict
 * deserialization filters on.
 *
 * <p>Threads: the serialization is stateless apart from one Fory per thread and may serve any number of
 * channels at once. Lifetime: a view written into a message takes a lease on its region, as
 * {@link dev.grove.SharedObject#ref()} does; a reference kept at rest (a cache entry, a queued message)
 * needs a pin ({@link dev.grove.RegionStore#pin}) to outlive its sender.
 */
package dev.grove.integrations;

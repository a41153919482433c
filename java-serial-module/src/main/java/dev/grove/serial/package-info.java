/**
 * {@code java.io} serialization support. Grove views need nothing here: they always serialize as small
 * proxies holding their reference. This package adds automatic sharing of large primitive arrays in a
 * user's own {@code Serializable} classes ({@link dev.grove.serial.SharingObjectOutputStream}), the matching
 * input stream, and serial filters that admit Grove's proxies so RMI and other untrusted inputs can keep
 * strict filters on ({@link dev.grove.serial.GroveSerialFilter}).
 *
 * <p>Threads: the streams are single-threaded like any object stream; the filters are stateless. Lifetime:
 * each shared array's region is dropped by the writer at once and kept by its reference's lease until the
 * reader maps and copies it.
 */
package dev.grove.serial;

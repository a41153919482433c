package dev.grove;

import java.time.Instant;

/**
 * What a namespace's directory records about a registered variable, read without mapping its data.
 *
 * @param namespace  the namespace
 * @param name       the variable's name
 * @param ref        the variable's reference: storable anywhere, valid while the variable is registered
 * @param type       the view type and shape, e.g. {@code SharedMatrix(double, 10000x2000)}
 * @param bytes      the size of the variable's region in bytes
 * @param registered when it was registered
 * @param pid        the process that registered it
 * @param user       the user that process ran as
 */
public record VariableInfo(String namespace, String name, SharedRef ref, String type, long bytes,
                           Instant registered, long pid, String user) {
}

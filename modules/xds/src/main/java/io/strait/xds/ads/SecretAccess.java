package io.strait.xds.ads;

import java.util.Collection;

/**
 * Whether a stream may be served {@code credentialName} secrets. Asked on the request's gRPC thread (the secure caller
 * is in its context), for every secret request; failing closed is the implementation's job.
 */
@FunctionalInterface
public interface SecretAccess {
    /**
     * @param nodeId the node asking
     * @param names  the secret names it asks for
     */
    boolean allowed(String nodeId, Collection<String> names);

    /** No secret for anyone. */
    SecretAccess NONE = (node, names) -> false;
}

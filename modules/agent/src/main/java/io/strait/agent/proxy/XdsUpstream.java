package io.strait.agent.proxy;

import io.grpc.ManagedChannel;
import io.strait.agent.credentials.MeshChannels;
import io.strait.agent.credentials.WorkloadCredentials;

/**
 * How the xDS proxy reaches the control plane with the workload's current credentials: a new channel for each new
 * certificate or set of roots. Production is {@link #mutualTls}; a test may point the proxy at a plain-text front.
 */
@FunctionalInterface
public interface XdsUpstream {
    /** A channel presenting {@code current}'s certificate and trusting its roots. */
    ManagedChannel open(WorkloadCredentials current);

    /** Mutual TLS to {@code address} ({@code HOST:PORT}), the secure port: what {@code strait agent} uses. */
    static XdsUpstream mutualTls(String address) {
        return current -> MeshChannels.open(address, MeshChannels.mutualTls(current));
    }
}

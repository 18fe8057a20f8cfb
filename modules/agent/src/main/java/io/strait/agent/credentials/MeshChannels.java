package io.strait.agent.credentials;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.keys.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Channels to the mesh's secure port: mutual TLS with a workload's credentials, to a {@code HOST:PORT} address. */
public final class MeshChannels {
    private MeshChannels() {
    }

    /**
     * Client certificate and key from {@code credentials}, presented whatever CA list the server sends
     * ({@link WorkloadKeyManager}); the server must chain to one of its roots.
     */
    public static ChannelCredentials mutualTls(WorkloadCredentials credentials) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(new WorkloadKeyManager(credentials))
                    .trustManager(new ByteArrayInputStream(Pem.bytes(credentials.rootsPem())))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the workload certificate for TLS: " + e.getMessage(), e);
        }
    }

    /** A channel to {@code address} ({@code HOST:PORT}). */
    public static ManagedChannel open(String address, ChannelCredentials credentials) {
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon <= 0 || port <= 0 || port > 65535) {
            throw new IllegalArgumentException("--secure-address must be HOST:PORT, such as 127.0.0.1:15012, not " + address);
        }
        return NettyChannelBuilder.forAddress(address.substring(0, colon), port, credentials).build();
    }
}

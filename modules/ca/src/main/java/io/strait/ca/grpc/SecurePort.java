package io.strait.ca.grpc;

import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The secure port (15012 by default, like istiod's): gRPC over TLS with the CA-issued {@link ServingIdentity},
 * client certificates optional and checked against {@link MeshTrust}. It serves the CSR API; secure xDS joins it
 * later through a {@link DeferredServices} fallback (the front starts after the port). A front running alone opens its
 * own port with its workload identity and roots instead. The port applies {@link TransportLimits}, the same the xDS
 * front's plaintext port does (request and header size, streams per connection, keepalive, connection age), so a client
 * meets one set of limits on either: an oversized request is refused by gRPC (RESOURCE_EXHAUSTED) before it is read.
 */
public final class SecurePort implements AutoCloseable {
    private final Server server;

    /**
     * Binds and starts the port.
     *
     * @param host     address to bind
     * @param port     port; 0 picks one
     * @param identity the serving certificate (renewed in place)
     * @param trust    the roots client certificates must chain to
     * @param services what the port serves
     */
    public SecurePort(String host, int port, X509KeyManager identity, X509TrustManager trust, List<ServerServiceDefinition> services) throws IOException {
        this(host, port, identity, trust, services, null, TransportLimits.defaults());
    }

    /** A port with {@link TransportLimits#defaults()}; see the full constructor. */
    public SecurePort(String host, int port, X509KeyManager identity, X509TrustManager trust, List<ServerServiceDefinition> services,
                      HandlerRegistry later) throws IOException {
        this(host, port, identity, trust, services, later, TransportLimits.defaults());
    }

    /**
     * @param later  services registered after start, looked up when {@code services} has no method of that name;
     *               null for none
     * @param limits what one connection may send and hold
     */
    public SecurePort(String host, int port, X509KeyManager identity, X509TrustManager trust, List<ServerServiceDefinition> services,
                      HandlerRegistry later, TransportLimits limits) throws IOException {
        TlsServerCredentials.Builder creds = TlsServerCredentials.newBuilder()
                .keyManager(identity)
                .trustManager(trust)
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
        // Netty's builder binds the configured address; Grpc.newServerBuilderForPort would bind every interface
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), creds.build());
        limits.applyTo(builder);
        services.forEach(builder::addService);
        if (later != null) {
            builder.fallbackHandlerRegistry(later);
        }
        try {
            this.server = builder.build().start();
        } catch (IOException e) {
            throw new IOException("cannot open the secure port " + host + ":" + port + ": " + e.getMessage()
                    + " (is another Strait or istiod running? pick another with --secure-port)", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

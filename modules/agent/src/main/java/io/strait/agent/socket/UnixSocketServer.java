package io.strait.agent.socket;

import io.grpc.HandlerRegistry;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plain-text gRPC server on a Unix domain socket (grpc-netty-shaded's epoll transport), as istio-agent serves SDS
 * and its xDS proxy: reachable only from this host, and only by this user — the socket is made 0600, because what
 * it serves (the workload's private key over SDS, an mTLS-authenticated xDS stream) is the workload's identity.
 */
public final class UnixSocketServer implements AutoCloseable {
    /** Linux's limit on a socket path ({@code sun_path}), terminator included. */
    static final int MAX_PATH_BYTES = 108;

    private final Path path;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    /**
     * Binds {@code path} (replacing a stale socket there) and starts serving.
     *
     * @param fallback serves methods no service in {@code services} has; null for none
     */
    public UnixSocketServer(Path path, List<ServerServiceDefinition> services, HandlerRegistry fallback) throws IOException {
        this.path = path.toAbsolutePath();
        if (!Epoll.isAvailable()) {
            throw new IOException("Unix domain sockets need Linux's epoll transport, unavailable here: " + Epoll.unavailabilityCause());
        }
        if (this.path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= MAX_PATH_BYTES) {
            throw new IOException("socket path " + this.path + " is longer than the " + (MAX_PATH_BYTES - 1)
                    + " bytes a Unix socket may have; choose a shorter --out or --sds-socket");
        }
        Files.createDirectories(this.path.getParent());
        Files.deleteIfExists(this.path);
        boss = new EpollEventLoopGroup(1);
        workers = new EpollEventLoopGroup(1);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(this.path.toString()), InsecureServerCredentials.create())
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers);
        services.forEach(builder::addService);
        if (fallback != null) {
            builder.fallbackHandlerRegistry(fallback);
        }
        try {
            server = builder.build().start();
            Files.setPosixFilePermissions(this.path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + this.path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Stops accepting, ends open calls after a grace period, removes the socket file. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the directory went away first; nothing left to clean
        }
    }
}

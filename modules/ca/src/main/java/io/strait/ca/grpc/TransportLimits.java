package io.strait.ca.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a gRPC port of Strait's takes from one connection, below the level of any one service: the xDS front's plaintext
 * port and the secure port (CSR API and secure xDS) apply the same numbers, so a client meets the same limits on either
 * (the front's {@code FrontLimits} carries one of these). {@link #defaults()} holds the numbers every port runs with;
 * each is well above what a real Envoy, agent or gRPC client needs and low enough that a hostile one cannot make the
 * server hold much for it.
 *
 * @param maxInboundMessageBytes  largest request message (default 4 MiB: Envoy's largest requests, EDS for thousands of
 *                                clusters, are a few hundred KiB; a CSR is ~1 KB); larger ends the stream with
 *                                RESOURCE_EXHAUSTED from gRPC before it is parsed
 * @param maxInboundMetadataBytes largest request headers (default 16 KiB; gRPC's own default is 8 KiB, and Istio agents
 *                                send JWTs in headers)
 * @param maxStreamsPerConnection HTTP/2 concurrent streams per connection (default 100: a gRPC client opens one to a few
 *                                ADS streams; more wait in the client or are refused by the server)
 * @param keepAliveTime           how often the server pings a silent connection (default 30 s, as istiod), so a peer
 *                                that vanished without a FIN is found
 * @param keepAliveTimeout        how long a ping may go unanswered before the connection is closed (default 10 s)
 * @param permitKeepAliveTime     how often a client may ping, even with no stream open, as gRPC's xDS clients do
 *                                (default 10 s; more often is a GOAWAY)
 * @param maxConnectionIdle       a connection with no open stream is closed after this (default 5 min)
 * @param maxConnectionAge        a connection is asked to go (GOAWAY) after this, and closed a grace later (default
 *                                30 min + 1 min, as istiod): clients rebalance across servers, and a connection whose
 *                                client stopped reading is not held forever
 * @param maxConnectionAgeGrace   how long streams may finish after the GOAWAY (default 1 min)
 */
public record TransportLimits(int maxInboundMessageBytes, int maxInboundMetadataBytes, int maxStreamsPerConnection,
                              Duration keepAliveTime, Duration keepAliveTimeout, Duration permitKeepAliveTime,
                              Duration maxConnectionIdle, Duration maxConnectionAge, Duration maxConnectionAgeGrace) {

    public TransportLimits {
        if (maxInboundMessageBytes <= 0 || maxInboundMetadataBytes <= 0 || maxStreamsPerConnection <= 0) {
            throw new IllegalArgumentException("transport limits must be positive");
        }
        for (Duration d : new Duration[] {keepAliveTime, keepAliveTimeout, permitKeepAliveTime, maxConnectionIdle, maxConnectionAge,
                maxConnectionAgeGrace}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("transport limit durations must be positive");
            }
        }
    }

    /** The limits every port runs with unless told otherwise. */
    public static TransportLimits defaults() {
        return new TransportLimits(4 * 1024 * 1024, 16 * 1024, 100, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(1));
    }

    /** The same limits with another largest request (tests use small ones). */
    public TransportLimits withMaxInboundMessageBytes(int bytes) {
        return new TransportLimits(bytes, maxInboundMetadataBytes, maxStreamsPerConnection, keepAliveTime, keepAliveTimeout,
                permitKeepAliveTime, maxConnectionIdle, maxConnectionAge, maxConnectionAgeGrace);
    }

    /** Applies the limits to a server being built; returns it. */
    public NettyServerBuilder applyTo(NettyServerBuilder builder) {
        return builder.maxInboundMessageSize(maxInboundMessageBytes)
                .maxInboundMetadataSize(maxInboundMetadataBytes)
                .maxConcurrentCallsPerConnection(maxStreamsPerConnection)
                .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepAliveTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(permitKeepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionIdle(maxConnectionIdle.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(maxConnectionAgeGrace.toMillis(), TimeUnit.MILLISECONDS);
    }
}

package io.strait.xds;

import java.time.Duration;

/**
 * What one xDS front accepts from one client, in one place: transport limits applied to its Netty server, request
 * limits checked before java-control-plane sees a request, and the bound on responses a stream may hold unsent.
 * {@link #defaults()} holds the numbers a front runs with; each is well above what a real Envoy or gRPC client needs
 * and low enough that a hostile or broken client cannot make the front hold much for it.
 *
 * @param maxInboundMessageBytes      largest request message (default 4 MiB: Envoy's largest requests, EDS for
 *                                    thousands of clusters, are a few hundred KiB); larger ends the stream with
 *                                    RESOURCE_EXHAUSTED from gRPC before it is parsed
 * @param maxInboundMetadataBytes     largest request headers (default 16 KiB; gRPC's own default is 8 KiB, and
 *                                    Istio agents send JWTs in headers)
 * @param maxStreamsPerConnection     HTTP/2 concurrent streams per connection (default 100: a gRPC client opens one
 *                                    to a few ADS streams; more wait in the client or are refused by the server)
 * @param keepAliveTime               how often the front pings a silent connection (default 30 s, as istiod), so a
 *                                    peer that vanished without a FIN is found
 * @param keepAliveTimeout            how long a ping may go unanswered before the connection is closed (default 10 s)
 * @param permitKeepAliveTime         how often a client may ping (default 10 s; more often is a GOAWAY)
 * @param maxConnectionIdle           a connection with no open stream is closed after this (default 5 min)
 * @param maxConnectionAge            a connection is asked to go (GOAWAY) after this, and closed a grace later
 *                                    (default 30 min + 1 min, as istiod): clients rebalance across fronts, and a
 *                                    connection whose client stopped reading is not held forever
 * @param maxConnectionAgeGrace       how long streams may finish after the GOAWAY (default 1 min)
 * @param maxResourceNamesPerRequest  resource names one request may name, subscribed and unsubscribed together
 *                                    (default 10,000: a mesh's proxies ask for at most its clusters by name)
 * @param maxNodeIdChars              longest node id (default 1,024: Istio's ids are under 300 characters)
 * @param maxPendingBytesPerStream    response bytes a stream may hold that the client has not taken (beyond gRPC's
 *                                    own window); reaching it closes the stream at once (default 8 MiB)
 * @param stuckAfter                  how long a stream may hold unsent responses before it is closed (default 30 s:
 *                                    a busy Envoy catches up within seconds)
 */
public record FrontLimits(int maxInboundMessageBytes, int maxInboundMetadataBytes, int maxStreamsPerConnection,
                          Duration keepAliveTime, Duration keepAliveTimeout, Duration permitKeepAliveTime,
                          Duration maxConnectionIdle, Duration maxConnectionAge, Duration maxConnectionAgeGrace, int maxResourceNamesPerRequest, int maxNodeIdChars,
                          long maxPendingBytesPerStream, Duration stuckAfter) {

    public FrontLimits {
        if (maxInboundMessageBytes <= 0 || maxInboundMetadataBytes <= 0 || maxStreamsPerConnection <= 0
                || maxResourceNamesPerRequest <= 0 || maxNodeIdChars <= 0 || maxPendingBytesPerStream <= 0) {
            throw new IllegalArgumentException("front limits must be positive");
        }
    }

    /** The limits a front runs with unless told otherwise. */
    public static FrontLimits defaults() {
        return new FrontLimits(4 * 1024 * 1024, 16 * 1024, 100, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(1), 10_000, 1_024, 8L * 1024 * 1024, Duration.ofSeconds(30));
    }

    /** The same limits with another bound on unsent responses (tests use short ones). */
    public FrontLimits withPending(long maxPendingBytes, Duration stuck) {
        return new FrontLimits(maxInboundMessageBytes, maxInboundMetadataBytes, maxStreamsPerConnection, keepAliveTime,
                keepAliveTimeout, permitKeepAliveTime, maxConnectionIdle, maxConnectionAge, maxConnectionAgeGrace, maxResourceNamesPerRequest, maxNodeIdChars,
                maxPendingBytes, stuck);
    }
}

package io.strait.xds;

import io.strait.ca.grpc.TransportLimits;
import java.time.Duration;

/**
 * What one xDS front accepts from one client, in one place: transport limits applied to its Netty servers (the
 * plaintext port and the front's own secure port, the same {@link TransportLimits} the CA's secure port applies),
 * request limits checked before the ADS engine sees a request, and the bound on responses a stream may hold
 * unsent. {@link #defaults()} holds the numbers a front runs with; each is well above what a real Envoy or gRPC client
 * needs and low enough that a hostile or broken client cannot make the front hold much for it.
 *
 * @param transport                   request and header size, streams per connection, keepalive, connection age
 *                                    ({@link TransportLimits#defaults()}: 4 MiB, 16 KiB, 100, 30 s / 10 s, 30 min)
 * @param maxResourceNamesPerRequest  resource names one request may name, subscribed and unsubscribed together
 *                                    (default 10,000: a mesh's proxies ask for at most its clusters by name)
 * @param maxNodeIdChars              longest node id (default 1,024: Istio's ids are under 300 characters)
 * @param maxPendingBytesPerStream    response bytes a stream may hold that the client has not taken (beyond gRPC's
 *                                    own window); reaching it closes the stream at once (default 8 MiB)
 * @param stuckAfter                  how long a stream may hold unsent responses before it is closed (default 30 s:
 *                                    a busy Envoy catches up within seconds)
 * @param requestsPerSecond           discovery requests one stream may send per second, sustained (default 100).
 *                                    An Envoy sends one request per response it is sent (its ACK or NACK) and one per
 *                                    change of what it subscribes to, per type; in state-of-the-world and delta
 *                                    alike a type's request names every resource at once, so thousands of clusters
 *                                    are still one CDS and one EDS request. A push costs it at most five (CDS, EDS,
 *                                    LDS, RDS, SDS), and a front pushes a stream at most once per revision it reads,
 *                                    so 100/s is twenty full pushes a second, sustained: far beyond any config
 *                                    stream, and far below what a looping client would send
 * @param requestBurst                requests a stream may send at once above the sustained rate (default 200): an
 *                                    Envoy's start (CDS and LDS, then EDS, RDS and SDS as clusters and listeners
 *                                    warm, each ACKed) or a burst of revisions is a few tens
 * @param maxUnsentBytes              the front's budget of response bytes in flight (default 512 MiB, or half the
 *                                    process's direct memory where Netty holds them if that is less — as istiod
 *                                    bounds its concurrent pushes): what all streams together may have handed to gRPC
 *                                    and not yet written out. A response beyond it waits on its stream, as a
 *                                    reference to the bytes the engine built, and streams take turns (a revision
 *                                    resending 2.5 MB of clusters to 10,000 streams once asked Netty for 25 GB of
 *                                    direct memory). While what streams hold unread, waiting or in flight, is above
 *                                    it, a new stream is refused UNAVAILABLE and its client reconnects a moment later,
 *                                    so a fleet reconnecting at once is served in turns too. Open streams are never
 *                                    refused for it
 */
public record FrontLimits(TransportLimits transport, int maxResourceNamesPerRequest, int maxNodeIdChars,
                          long maxPendingBytesPerStream, Duration stuckAfter, int requestsPerSecond, int requestBurst,
                          long maxUnsentBytes) {

    public FrontLimits {
        if (transport == null) {
            throw new IllegalArgumentException("front limits need transport limits");
        }
        if (maxResourceNamesPerRequest <= 0 || maxNodeIdChars <= 0 || maxPendingBytesPerStream <= 0 || requestsPerSecond <= 0
                || requestBurst <= 0 || maxUnsentBytes <= 0) {
            throw new IllegalArgumentException("front limits must be positive");
        }
    }

    /** The limits a front runs with unless told otherwise. */
    public static FrontLimits defaults() {
        return new FrontLimits(TransportLimits.defaults(), 10_000, 1_024, 8L * 1024 * 1024, Duration.ofSeconds(30), 100, 200,
                Math.min(512L << 20, maxDirectMemory() / 2));
    }

    /** Netty's limit on the direct memory it allocates (the JVM's {@code -XX:MaxDirectMemorySize}, else the heap's size). */
    private static long maxDirectMemory() {
        try {
            return io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent.maxDirectMemory();
        } catch (RuntimeException | LinkageError e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /** The same limits with another bound on what all streams together may hold unsent (tests use small ones). */
    public FrontLimits withUnsent(long maxUnsent) {
        return new FrontLimits(transport, maxResourceNamesPerRequest, maxNodeIdChars, maxPendingBytesPerStream, stuckAfter, requestsPerSecond,
                requestBurst, maxUnsent);
    }

    /** The same limits with another bound on unsent responses (tests use short ones). */
    public FrontLimits withPending(long maxPendingBytes, Duration stuck) {
        return new FrontLimits(transport, maxResourceNamesPerRequest, maxNodeIdChars, maxPendingBytes, stuck, requestsPerSecond, requestBurst,
                maxUnsentBytes);
    }

    /** The same limits with another request rate per stream (tests use low ones). */
    public FrontLimits withRequestRate(int perSecond, int burst) {
        return new FrontLimits(transport, maxResourceNamesPerRequest, maxNodeIdChars, maxPendingBytesPerStream, stuckAfter, perSecond, burst,
                maxUnsentBytes);
    }

    /** The same limits with other transport limits. */
    public FrontLimits withTransport(TransportLimits limits) {
        return new FrontLimits(limits, maxResourceNamesPerRequest, maxNodeIdChars, maxPendingBytesPerStream, stuckAfter, requestsPerSecond,
                requestBurst, maxUnsentBytes);
    }

    /** Largest request message; see {@link TransportLimits#maxInboundMessageBytes()}. */
    public int maxInboundMessageBytes() {
        return transport.maxInboundMessageBytes();
    }

    /** Largest request headers; see {@link TransportLimits#maxInboundMetadataBytes()}. */
    public int maxInboundMetadataBytes() {
        return transport.maxInboundMetadataBytes();
    }

    /** Concurrent streams per connection; see {@link TransportLimits#maxStreamsPerConnection()}. */
    public int maxStreamsPerConnection() {
        return transport.maxStreamsPerConnection();
    }

    /** How often a silent connection is pinged; see {@link TransportLimits#keepAliveTime()}. */
    public Duration keepAliveTime() {
        return transport.keepAliveTime();
    }

    /** How long a ping may go unanswered; see {@link TransportLimits#keepAliveTimeout()}. */
    public Duration keepAliveTimeout() {
        return transport.keepAliveTimeout();
    }

    /** How often a client may ping; see {@link TransportLimits#permitKeepAliveTime()}. */
    public Duration permitKeepAliveTime() {
        return transport.permitKeepAliveTime();
    }

    /** When a connection with no stream is closed; see {@link TransportLimits#maxConnectionIdle()}. */
    public Duration maxConnectionIdle() {
        return transport.maxConnectionIdle();
    }

    /** When a connection is asked to go; see {@link TransportLimits#maxConnectionAge()}. */
    public Duration maxConnectionAge() {
        return transport.maxConnectionAge();
    }

    /** How long streams may finish after that; see {@link TransportLimits#maxConnectionAgeGrace()}. */
    public Duration maxConnectionAgeGrace() {
        return transport.maxConnectionAgeGrace();
    }
}

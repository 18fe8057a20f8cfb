package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/DestinationRule}: named subsets of a service's endpoints and the traffic policies of
 * the service, its subsets and its ports, for the namespaces it is exported to ({@code exportTo}) or, with a
 * {@code workloadSelector}, for the selected workloads of its own namespace only. Which rule a proxy gets for a
 * host is Istio's resolution ({@link io.strait.model.mesh.DestinationRules}). The record carries what the
 * translator reads; the schema validates the rest.
 */
public record DestinationRule(String host, TrafficPolicy trafficPolicy, List<Subset> subsets, List<String> exportTo,
                              PeerAuthentication.WorkloadSelector workloadSelector) implements Spec {
    public DestinationRule {
        subsets = Lists.copy(subsets);
        exportTo = Lists.copy(exportTo);
    }

    /** Whether the rule selects workloads (then it applies only to those of its namespace, and is never exported). */
    public boolean selectsWorkloads() {
        return workloadSelector != null && !workloadSelector.matchLabels().isEmpty();
    }

    /** The endpoints whose labels include all of {@code labels}, with a policy of their own. */
    public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
        public Subset {
            labels = Lists.copy(labels);
        }
    }

    /** Load balancing, connection limits and outlier ejection, for the whole service or per port. */
    public record TrafficPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool,
                                OutlierDetection outlierDetection, ClientTls tls, List<PortTrafficPolicy> portLevelSettings) {
        public TrafficPolicy {
            portLevelSettings = Lists.copy(portLevelSettings);
        }
    }

    /** A policy for one port, overriding the service's. */
    public record PortTrafficPolicy(VirtualService.PortSelector port, LoadBalancer loadBalancer, ConnectionPool connectionPool,
                                    OutlierDetection outlierDetection, ClientTls tls) {
    }

    /**
     * TLS towards the destination: DISABLE, SIMPLE (verify the server with {@code caCertificates}, unless
     * {@code insecureSkipVerify}, expecting one of {@code subjectAltNames}), MUTUAL (also present
     * {@code clientCertificate} and {@code privateKey}), or a {@code credentialName} fetched by SDS; {@code sni}
     * names the server in the client hello.
     */
    public record ClientTls(String mode, String clientCertificate, String privateKey, String caCertificates,
                            String credentialName, List<String> subjectAltNames, String sni, Boolean insecureSkipVerify) {
        public ClientTls {
            subjectAltNames = Lists.copy(subjectAltNames);
        }
    }

    /**
     * Passive health checking: an endpoint that fails {@code consecutive5xxErrors} (or gateway / local-origin errors)
     * in a row is ejected for {@code baseEjectionTime} (longer each time), at most {@code maxEjectionPercent} of
     * the endpoints at once; {@code minHealthPercent} is the panic threshold. {@code consecutiveErrors} is the
     * deprecated spelling of {@code consecutive5xxErrors}.
     */
    public record OutlierDetection(Boolean splitExternalLocalOriginErrors, Integer consecutiveLocalOriginFailures,
                                   Integer consecutiveGatewayErrors, Integer consecutive5xxErrors, String interval,
                                   String baseEjectionTime, Integer maxEjectionPercent, Integer minHealthPercent,
                                   Integer consecutiveErrors) {
    }

    /**
     * {@code simple} (ROUND_ROBIN, LEAST_REQUEST, LEAST_CONN, RANDOM, PASSTHROUGH) or {@code consistentHash}; new
     * endpoints can be warmed up ({@code warmup}, or the older {@code warmupDurationSecs}).
     */
    public record LoadBalancer(String simple, ConsistentHash consistentHash, LocalityLbSetting localityLbSetting,
                               Warmup warmup, String warmupDurationSecs) {
    }

    /**
     * Locality-aware load balancing from the caller's locality: {@code distribute} shares traffic out by weight
     * per destination locality; otherwise endpoints nearer the caller (same zone, then region, then the regions
     * {@code failover} names) take all traffic while they are healthy. {@code enabled: false} turns it off.
     */
    public record LocalityLbSetting(List<Distribute> distribute, List<Failover> failover, Boolean enabled) {
        public LocalityLbSetting {
            distribute = Lists.copy(distribute);
            failover = Lists.copy(failover);
        }
    }

    /** From callers in {@code from} ({@code region/zone/subzone}, {@code *} wildcards), traffic shares by {@code to}. */
    public record Distribute(String from, Map<String, Integer> to) {
        public Distribute {
            to = Lists.copy(to);
        }
    }

    /** When region {@code from} has no healthy endpoint, region {@code to} is next. */
    public record Failover(String from, String to) {
    }

    /** Slow start: a new endpoint's share grows over {@code duration}, from {@code minimumPercent}, at {@code aggression}. */
    public record Warmup(String duration, Double minimumPercent, Double aggression) {
    }

    /** Session affinity: hash on a header, a cookie, the source IP or a query parameter; ring hash or Maglev. */
    public record ConsistentHash(String httpHeaderName, HttpCookie httpCookie, Boolean useSourceIp,
                                 String httpQueryParameterName, RingHash ringHash, MagLev maglev, Long minimumRingSize) {
    }

    /** The cookie to hash on (generated with this TTL when absent). */
    public record HttpCookie(String name, String path, String ttl) {
    }

    /** Ring hash with a minimum ring size. */
    public record RingHash(Long minimumRingSize) {
    }

    /** Maglev with a table size. */
    public record MagLev(Long tableSize) {
    }

    /** Connection and request limits: Envoy's circuit breakers. */
    public record ConnectionPool(TcpSettings tcp, HttpSettings http) {
    }

    /** TCP limits and connection settings: connect timeout, keepalive probes. */
    public record TcpSettings(Integer maxConnections, String connectTimeout, TcpKeepalive tcpKeepalive) {
    }

    /** TCP keepalive: after {@code time} idle, {@code probes} probes {@code interval} apart. */
    public record TcpKeepalive(Integer probes, String time, String interval) {
    }

    /**
     * HTTP limits and connection settings: requests per connection, how long an idle connection is kept, and
     * whether HTTP/1.1 connections are upgraded to HTTP/2.
     */
    public record HttpSettings(Integer http1MaxPendingRequests, Integer http2MaxRequests, Integer maxRetries,
                               Integer maxRequestsPerConnection, String idleTimeout, String h2UpgradePolicy) {
    }
}

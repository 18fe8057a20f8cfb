package io.strait.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.bus.wire.XdsType;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every ADS stream of a front: registers a proxy when its first request arrives, records each response
 * sent and each ACK or NACK that comes back, and unregisters the proxy when its last stream closes (a node may hold
 * several streams: newer gRPC clients open more than one). A request whose node is not in Istio's form ends its stream
 * with INVALID_ARGUMENT and a message saying why; on the secure port, a caller whose certificate does not prove the
 * node's namespace and service account ends it as {@link NodeAuthorization} says, before anything is registered.
 */
final class ProxyTracker implements DiscoveryServerCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTracker.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final String frontId;
    private final ProxyReporter reporter;
    private final Function<String, ScopeManifest> manifests;
    private final NackLedger ledger;
    private final DeltaVersions delta;
    private final FrontMetrics metrics;
    private final NodeAuthorization authorization;
    private final Map<Long, String> streams = new ConcurrentHashMap<>();
    private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();
    /** The connected proxies of each scope: a new manifest concerns only its scope's proxies. */
    private final Map<String, Set<Proxy>> byScope = new ConcurrentHashMap<>();

    /** One connected proxy: its identity, how many streams it holds here, and its per-type exchange state. */
    private static final class Proxy {
        final ProxyIdentity identity;
        final String scope;
        int streams;
        final Map<String, ProxyStatus.TypeStatus> types = new TreeMap<>();
        Map<String, String> revisions = Map.of();

        Proxy(ProxyIdentity identity) {
            this.identity = identity;
            this.scope = identity.scopeId();
        }
    }

    ProxyTracker(String frontId, ProxyReporter reporter, Function<String, ScopeManifest> manifests, NackLedger ledger,
                 DeltaVersions delta,
                 java.util.function.Function<java.util.function.Supplier<Number>, FrontMetrics> metrics,
                 NodeAuthorization authorization) {
        this.authorization = authorization;
        this.frontId = frontId;
        this.reporter = reporter;
        this.manifests = manifests;
        this.ledger = ledger;
        this.delta = delta;
        this.metrics = metrics.apply(proxies::size);
    }

    int connectedProxies() {
        return proxies.size();
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
        String proxyId = streams.get(streamId);
        if (proxyId == null) {
            proxyId = open(streamId, request);
        }
        Proxy proxy = proxies.get(proxyId);
        if (proxy == null || request.getResponseNonce().isEmpty()) {
            return; // a first subscription, not an answer to anything we sent
        }
        String type = shortType(request.getTypeUrl());
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            String sent = before == null ? null : before.sent();
            long sentAt = before == null ? 0 : before.sentAt();
            var revisions = before == null ? Map.<String, String>of() : before.revisions();
            long revisionAt = before == null ? 0 : before.revisionAt();
            if (request.hasErrorDetail()) {
                String error = request.getErrorDetail().getMessage();
                proxy.types.put(type, new ProxyStatus.TypeStatus(sent, request.getVersionInfo(), error, sentAt,
                        before == null ? 0 : before.ackedAt(), revisions, revisionAt));
                metrics.rejected(type);
                EVENTS.warn("proxy {} rejected {} version {}: {}", proxyId, type, sent, error);
            } else {
                proxy.types.put(type, new ProxyStatus.TypeStatus(sent, request.getVersionInfo(), null, sentAt,
                        System.currentTimeMillis(), revisions, revisionAt));
                refreshApplied(proxy);
            }
            report(proxy);
        }
    }

    private String open(long streamId, DiscoveryRequest request) throws RequestException {
        return open(streamId, request.getNode());
    }

    private String open(long streamId, io.envoyproxy.envoy.config.core.v3.Node node) throws RequestException {
        ProxyIdentity identity;
        try {
            identity = NodeIdentities.of(node);
        } catch (IllegalArgumentException e) {
            LOG.info("refusing stream {}: {}", streamId, e.getMessage());
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        // runs on the request observer's onNext, so the call's context (and its caller) is the current one
        java.util.Optional<Status> refused = authorization.refusal(SecureCaller.current(), identity);
        if (refused.isPresent()) {
            LOG.warn("refusing secure stream {} of {}: {}", streamId, identity.proxyId(), refused.get().getDescription());
            throw new RequestException(refused.get());
        }
        streams.put(streamId, identity.proxyId());
        Proxy proxy = proxies.computeIfAbsent(identity.proxyId(), id -> {
            Proxy created = new Proxy(identity);
            byScope.computeIfAbsent(created.scope, s -> ConcurrentHashMap.newKeySet()).add(created);
            return created;
        });
        boolean first;
        synchronized (proxy) {
            first = proxy.streams++ == 0;
        }
        if (first) {
            reporter.register(new ProxyRegistration(1, identity.proxyId(), proxy.scope, identity.type().name(),
                    identity.namespace(), identity.serviceAccount(), identity.clusterId(), identity.labels(),
                    identity.ip(), frontId, System.currentTimeMillis(), identity.locality(), identity.network()));
            EVENTS.info("proxy {} connected (scope {})", identity.proxyId(), proxy.scope);
        }
        return identity.proxyId();
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
        sent(streamId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo(), response.getSerializedSize());
    }

    /**
     * A delta request: the first registers the proxy; an answer to a response is an ACK or a NACK of the version
     * that response carried (a delta request names only the nonce).
     */
    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
        String proxyId = streams.get(streamId);
        if (proxyId == null) {
            proxyId = open(streamId, request.getNode());
        }
        Proxy proxy = proxies.get(proxyId);
        String version = request.getResponseNonce().isEmpty() ? null
                : ledger.versionOf(proxyId, request.getTypeUrl(), request.getResponseNonce());
        if (proxy == null || version == null) {
            return;
        }
        String type = shortType(request.getTypeUrl());
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            if (before == null) {
                return;
            }
            if (request.hasErrorDetail()) {
                proxy.types.put(type, new ProxyStatus.TypeStatus(before.sent(), before.acked(), request.getErrorDetail().getMessage(),
                        before.sentAt(), before.ackedAt(), before.revisions(), before.revisionAt()));
                metrics.rejected(type);
                EVENTS.warn("proxy {} rejected {} version {}: {}", proxyId, type, version, request.getErrorDetail().getMessage());
            } else {
                proxy.types.put(type, new ProxyStatus.TypeStatus(before.sent(), version, null, before.sentAt(),
                        System.currentTimeMillis(), before.revisions(), before.revisionAt()));
                refreshApplied(proxy);
            }
            report(proxy);
        }
    }

    @Override
    public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
        sent(streamId, response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo(), response.getSerializedSize());
    }

    /** A response went out on a stream, state of the world or delta. */
    private void sent(long streamId, String typeUrl, String nonce, String versionInfo, int bytes) {
        String proxyId = streams.get(streamId);
        Proxy proxy = proxyId == null ? null : proxies.get(proxyId);
        if (proxy == null) {
            return;
        }
        ledger.sent(proxyId, typeUrl, nonce, versionInfo);
        String type = shortType(typeUrl);
        ScopeManifest manifest = manifests.apply(proxy.scope);
        // the revisions this version reflects: those of the live manifest, if the version is the live one's
        boolean fromLive = manifest != null && XdsType.of(typeUrl)
                .map(t -> ScopeSnapshots.version(manifest, t).equals(base(versionInfo))).orElse(false);
        metrics.pushed(type, bytes);
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            proxy.types.put(type, new ProxyStatus.TypeStatus(versionInfo,
                    before == null ? null : before.acked(), null, System.currentTimeMillis(), before == null ? 0 : before.ackedAt(),
                    fromLive ? manifest.revisions() : Map.of(), fromLive ? manifest.revisionAt() : 0));
            report(proxy);
        }
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
        close(streamId);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
        close(streamId);
    }

    private void close(long streamId) {
        String proxyId = streams.remove(streamId);
        Proxy proxy = proxyId == null ? null : proxies.get(proxyId);
        if (proxy == null) {
            return;
        }
        boolean last;
        synchronized (proxy) {
            last = --proxy.streams == 0;
        }
        if (last) {
            proxies.remove(proxyId, proxy);
            byScope.computeIfPresent(proxy.scope, (scope, members) -> {
                members.remove(proxy);
                return members.isEmpty() ? null : members;
            });
            ledger.forget(proxyId);
            delta.forget(proxyId);
            reporter.unregister(proxyId, proxy.scope);
            EVENTS.info("proxy {} disconnected", proxyId);
        }
    }

    /**
     * A new manifest is live for a scope: types whose version it does not change are now known to reflect its
     * revisions too (nothing is re-sent for them), so proxies that a revision does not touch are on it at once.
     */
    void manifestApplied(ScopeManifest m) {
        Map<String, String> versions = new java.util.HashMap<>(); // per type, computed once for the scope's proxies
        for (Proxy proxy : byScope.getOrDefault(m.scope(), Set.of())) {
            synchronized (proxy) {
                proxy.types.replaceAll((type, t) -> {
                    if (!fromScope(type)) {
                        return t; // secrets are the front's, not the scope's: no revision of the bus reaches them
                    }
                    String version = versions.computeIfAbsent(type, k -> ScopeSnapshots.version(m, XdsType.valueOf(k)));
                    boolean unchanged = t.sent() != null && version.equals(base(t.sent()));
                    return unchanged ? new ProxyStatus.TypeStatus(t.sent(), t.acked(), t.nackError(), t.sentAt(), t.ackedAt(),
                            m.revisions(), m.revisionAt()) : t;
                });
                refreshApplied(proxy);
                report(proxy);
            }
        }
    }

    /** A proxy has applied the revisions every one of its types is SYNCED on; record the convergence when it moves. */
    private void refreshApplied(Proxy proxy) {
        if (proxy.types.isEmpty()) {
            return;
        }
        Map<String, String> common = null;
        long revisionAt = 0;
        for (Map.Entry<String, ProxyStatus.TypeStatus> e : proxy.types.entrySet()) {
            if (!fromScope(e.getKey())) {
                continue; // a gateway's secrets do not hold its convergence on a revision back
            }
            ProxyStatus.TypeStatus t = e.getValue();
            if (!t.state().equals("SYNCED") || t.revisions().isEmpty() || (common != null && !common.equals(t.revisions()))) {
                return;
            }
            common = t.revisions();
            revisionAt = Math.max(revisionAt, t.revisionAt());
        }
        if (common != null && !common.equals(proxy.revisions)) {
            proxy.revisions = common;
            if (revisionAt > 0) {
                metrics.converged(System.currentTimeMillis() - revisionAt);
            }
        }
    }

    /** True for the types a scope manifest carries (CDS, EDS, LDS, RDS); false for secrets. */
    private static boolean fromScope(String shortType) {
        return java.util.Arrays.stream(XdsType.values()).anyMatch(t -> t.name().equals(shortType));
    }

    /** The content part of a version ({@code base.namesHash} → {@code base}). */
    private static String base(String version) {
        int dot = version == null ? -1 : version.indexOf('.');
        return dot < 0 ? String.valueOf(version) : version.substring(0, dot);
    }

    /** Unregisters every proxy, as a front does when it shuts down cleanly (they re-register wherever they reconnect). */
    void unregisterAll() {
        proxies.forEach((id, p) -> reporter.unregister(id, p.scope));
        proxies.clear();
        streams.clear();
    }

    private void report(Proxy proxy) {
        reporter.status(new ProxyStatus(1, proxy.identity.proxyId(), proxy.scope, frontId, proxy.revisions,
                new TreeMap<>(proxy.types), System.currentTimeMillis()));
    }

    static String shortType(String typeUrl) {
        return XdsType.of(typeUrl).map(Enum::name).orElse(typeUrl.substring(typeUrl.lastIndexOf('.') + 1));
    }
}

package io.strait.xds;

import io.grpc.Status;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.bus.wire.XdsType;
import io.strait.xds.ads.StreamEvents;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every discovery stream of a front, as the ADS engine tells it ({@link StreamEvents}): registers a proxy when its first request arrives, records each response
 * sent and each ACK or NACK that comes back, and unregisters the proxy when its last stream closes (a node may hold
 * several streams: newer gRPC clients open more than one). A request whose node is not in Istio's form ends its stream
 * with INVALID_ARGUMENT and a message saying why; on the secure port, a caller whose certificate does not prove the
 * node's namespace and service account ends it as {@link NodeAuthorization} says, before anything is registered.
 */
final class ProxyTracker implements StreamEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTracker.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final String frontId;
    private final ProxyReporter reporter;
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

    ProxyTracker(String frontId, ProxyReporter reporter,
                 java.util.function.Function<java.util.function.Supplier<Number>, FrontMetrics> metrics,
                 NodeAuthorization authorization) {
        this.authorization = authorization;
        this.frontId = frontId;
        this.reporter = reporter;
        this.metrics = metrics.apply(proxies::size);
    }

    int connectedProxies() {
        return proxies.size();
    }

    /** A stream's first request: the node is read and checked, and its proxy registered on its first stream. */
    @Override
    public Status opened(long streamId, io.envoyproxy.envoy.config.core.v3.Node node) {
        ProxyIdentity identity;
        try {
            identity = NodeIdentities.of(node);
        } catch (IllegalArgumentException e) {
            LOG.info("refusing stream {}: {}", streamId, e.getMessage());
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
        }
        // runs on the request's gRPC thread, so the call's context (and its caller) is the current one
        java.util.Optional<Status> refused = authorization.refusal(SecureCaller.current(), identity);
        if (refused.isPresent()) {
            LOG.warn("refusing secure stream {} of {}: {}", streamId, identity.proxyId(), refused.get().getDescription());
            return refused.get();
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
        return null;
    }

    /** A client that reconnected holding what is served here: SYNCED on it at once, nothing having been sent. */
    @Override
    public void holds(long streamId, String typeUrl, String version, ScopeManifest from) {
        Proxy proxy = proxyOf(streamId);
        if (proxy == null) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (proxy) {
            proxy.types.put(shortType(typeUrl), new ProxyStatus.TypeStatus(version, version, null, now, now,
                    from != null ? from.revisions() : Map.of(), from != null ? from.revisionAt() : 0));
            refreshApplied(proxy);
            report(proxy);
        }
    }

    @Override
    public void acked(long streamId, String typeUrl, String version) {
        Proxy proxy = proxyOf(streamId);
        if (proxy == null) {
            return;
        }
        String type = shortType(typeUrl);
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            proxy.types.put(type, new ProxyStatus.TypeStatus(before == null ? null : before.sent(), version, null,
                    before == null ? 0 : before.sentAt(), System.currentTimeMillis(),
                    before == null ? Map.of() : before.revisions(), before == null ? 0 : before.revisionAt()));
            refreshApplied(proxy);
            report(proxy);
        }
    }

    @Override
    public void nacked(long streamId, String typeUrl, String refused, String accepted, String error) {
        Proxy proxy = proxyOf(streamId);
        if (proxy == null) {
            return;
        }
        String type = shortType(typeUrl);
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            String acked = accepted != null ? accepted : before == null ? null : before.acked();
            proxy.types.put(type, new ProxyStatus.TypeStatus(before == null ? null : before.sent(), acked, error,
                    before == null ? 0 : before.sentAt(), before == null ? 0 : before.ackedAt(),
                    before == null ? Map.of() : before.revisions(), before == null ? 0 : before.revisionAt()));
            metrics.rejected(type);
            EVENTS.warn("proxy {} rejected {} version {}: {}", proxy.identity.proxyId(), type, refused, error);
            report(proxy);
        }
    }

    private Proxy proxyOf(long streamId) {
        String proxyId = streams.get(streamId);
        return proxyId == null ? null : proxies.get(proxyId);
    }

    /**
     * A response went out on a stream, state of the world or delta. The revisions it reflects are those of the view
     * it was built from (none for secrets: the front's, not the scope's).
     */
    @Override
    public void sent(long streamId, String typeUrl, String nonce, String versionInfo, int bytes, ScopeManifest from) {
        Proxy proxy = proxyOf(streamId);
        if (proxy == null) {
            return;
        }
        String type = shortType(typeUrl);
        metrics.pushed(type, bytes);
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            proxy.types.put(type, new ProxyStatus.TypeStatus(versionInfo,
                    before == null ? null : before.acked(), null, System.currentTimeMillis(), before == null ? 0 : before.ackedAt(),
                    from != null ? from.revisions() : Map.of(), from != null ? from.revisionAt() : 0));
            report(proxy);
        }
    }

    @Override
    public void closed(long streamId) {
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
            reporter.unregister(proxyId, proxy.scope);
            EVENTS.info("proxy {} disconnected", proxyId);
        }
    }

    /**
     * A new manifest is live for a scope: types whose version it does not change are now known to reflect its
     * revisions too (nothing is re-sent for them), so proxies that a revision does not touch are on it at once.
     */
    void manifestApplied(io.strait.xds.ads.ScopeView view) {
        ScopeManifest m = view.manifest();
        for (Proxy proxy : byScope.getOrDefault(m.scope(), Set.of())) {
            synchronized (proxy) {
                proxy.types.replaceAll((type, t) -> {
                    if (!fromScope(type)) {
                        return t; // secrets are the front's, not the scope's: no revision of the bus reaches them
                    }
                    String version = view.type(XdsType.valueOf(type)).version();
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

package io.strait.xds;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.xds.XdsType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every ADS stream of a front: registers a proxy when its first request arrives, records each response
 * sent and each ACK or NACK that comes back, and unregisters the proxy when its last stream closes. A request
 * whose node is not in Istio's form ends its stream with INVALID_ARGUMENT and a message saying why.
 */
final class ProxyTracker implements DiscoveryServerCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTracker.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final String frontId;
    private final ProxyReporter reporter;
    private final Function<String, ScopeManifest> manifests;
    private final NackLedger ledger;
    private final Map<Long, String> streams = new ConcurrentHashMap<>();
    private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();

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

    ProxyTracker(String frontId, ProxyReporter reporter, Function<String, ScopeManifest> manifests, NackLedger ledger) {
        this.frontId = frontId;
        this.reporter = reporter;
        this.manifests = manifests;
        this.ledger = ledger;
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
            if (request.hasErrorDetail()) {
                String error = request.getErrorDetail().getMessage();
                proxy.types.put(type, new ProxyStatus.TypeStatus(sent, request.getVersionInfo(), error, sentAt,
                        before == null ? 0 : before.ackedAt()));
                EVENTS.warn("proxy {} rejected {} version {}: {}", proxyId, type, sent, error);
            } else {
                proxy.types.put(type, new ProxyStatus.TypeStatus(sent, request.getVersionInfo(), null, sentAt,
                        System.currentTimeMillis()));
            }
            report(proxy);
        }
    }

    private String open(long streamId, DiscoveryRequest request) throws RequestException {
        ProxyIdentity identity;
        try {
            identity = NodeIdentities.of(request.getNode());
        } catch (IllegalArgumentException e) {
            LOG.info("refusing stream {}: {}", streamId, e.getMessage());
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        streams.put(streamId, identity.proxyId());
        Proxy proxy = proxies.computeIfAbsent(identity.proxyId(), id -> new Proxy(identity));
        boolean first;
        synchronized (proxy) {
            first = proxy.streams++ == 0;
        }
        if (first) {
            reporter.register(new ProxyRegistration(1, identity.proxyId(), proxy.scope, identity.type().name(),
                    identity.namespace(), identity.serviceAccount(), identity.clusterId(), identity.labels(),
                    identity.ip(), frontId, System.currentTimeMillis()));
            EVENTS.info("proxy {} connected (scope {})", identity.proxyId(), proxy.scope);
        }
        return identity.proxyId();
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
        String proxyId = streams.get(streamId);
        Proxy proxy = proxyId == null ? null : proxies.get(proxyId);
        if (proxy == null) {
            return;
        }
        ledger.sent(proxyId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
        String type = shortType(response.getTypeUrl());
        ScopeManifest manifest = manifests.apply(proxy.scope);
        synchronized (proxy) {
            ProxyStatus.TypeStatus before = proxy.types.get(type);
            proxy.types.put(type, new ProxyStatus.TypeStatus(response.getVersionInfo(),
                    before == null ? null : before.acked(), null, System.currentTimeMillis(), before == null ? 0 : before.ackedAt()));
            if (manifest != null) {
                proxy.revisions = manifest.revisions();
            }
            report(proxy);
        }
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
        throw new RequestException(Status.UNIMPLEMENTED.withDescription("delta xDS is not served yet; use state of the world ADS"));
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
            ledger.forget(proxyId);
            reporter.unregister(proxyId, proxy.scope);
            EVENTS.info("proxy {} disconnected", proxyId);
        }
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

package io.strait.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.XdsType;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.xds.NodeIdentities;
import java.util.List;

/**
 * One discovery stream (ADS, or one type's own service): the node's scope, and per type a {@link TypeStream}. Requests
 * arrive on the stream's gRPC thread, new views on the fan-out thread; both take this stream's lock, so a stream's
 * decisions and sends happen one at a time and in order. Sends are pre-built bytes with this stream's nonce.
 */
public final class AdsStream {
    /** Where a stream's responses go: the gRPC call, or a test. */
    public interface Outbound {
        void send(OutboundResponse response);

        void close(Status status);
    }

    static final int CDS = 0;
    static final int EDS = 1;
    static final int LDS = 2;
    static final int RDS = 3;
    static final int SDS = 4;
    /** The order a client is told a change: clusters, endpoints, listeners, routes (secrets on their own). */
    private static final XdsType[] SCOPE_TYPES = {XdsType.CDS, XdsType.EDS, XdsType.LDS, XdsType.RDS};

    private final long id;
    private final AdsEngine engine;
    private final Outbound out;
    private final String fixedTypeUrl;
    private final boolean delta;
    private ScopeStreams scope;
    private String nodeId;
    private String namespace;
    private boolean opened;
    private boolean closed;
    private boolean secretsAllowed;
    private final TypeStream[] types = new TypeStream[5];
    private long nonces;

    AdsStream(long id, AdsEngine engine, Outbound out, String fixedTypeUrl, boolean delta) {
        this.id = id;
        this.engine = engine;
        this.out = out;
        this.fixedTypeUrl = fixedTypeUrl;
        this.delta = delta;
    }

    public long id() {
        return id;
    }

    String namespace() {
        return namespace;
    }

    static int index(String typeUrl) {
        if (AdsEngine.SECRET_TYPE_URL.equals(typeUrl)) {
            return SDS;
        }
        return XdsType.of(typeUrl).map(Enum::ordinal).orElse(-1);
    }

    /** A state-of-the-world request. */
    public synchronized void onRequest(DiscoveryRequest r) {
        if (closed || (!opened && !open(r.getNode()))) {
            return;
        }
        String typeUrl = r.getTypeUrl().isEmpty() && fixedTypeUrl != null ? fixedTypeUrl : r.getTypeUrl();
        int i = index(typeUrl);
        if (i < 0) {
            return; // the request screen leaves such types unanswered
        }
        TypeStream t = typeStream(i, typeUrl);
        if (i == SDS) {
            secretsAllowed = engine.secretAccess().allowed(nodeId, r.getResourceNamesList());
        }
        ScopeView view = scope.view();
        TypeView current = current(i, view);
        String sentVersion = t.sentVersion;
        switch (t.sotw(r, subscriptions(i), current)) {
            case STALE -> {
                return;
            }
            case HOLDS_CURRENT -> engine.events().holds(id, typeUrl, r.getVersionInfo(), i == SDS ? null : view.manifest());
            case ACK -> engine.events().acked(id, typeUrl, r.getVersionInfo());
            case NACK -> engine.events().nacked(id, typeUrl, sentVersion, r.getVersionInfo(), r.getErrorDetail().getMessage());
            default -> {
            }
        }
        send(i);
    }

    /** A delta request. */
    public synchronized void onDeltaRequest(DeltaDiscoveryRequest r) {
        if (closed || (!opened && !open(r.getNode()))) {
            return;
        }
        String typeUrl = r.getTypeUrl().isEmpty() && fixedTypeUrl != null ? fixedTypeUrl : r.getTypeUrl();
        int i = index(typeUrl);
        if (i < 0) {
            return;
        }
        TypeStream t = typeStream(i, typeUrl);
        String sentVersion = t.sentVersion;
        TypeStream.Outcome outcome = t.delta(r, subscriptions(i), i == CDS || i == LDS);
        if (i == SDS) {
            secretsAllowed = engine.secretAccess().allowed(nodeId, t.sub.names());
        }
        switch (outcome) {
            case ACK -> engine.events().acked(id, typeUrl, sentVersion);
            case NACK -> engine.events().nacked(id, typeUrl, sentVersion, null, r.getErrorDetail().getMessage());
            default -> {
            }
        }
        send(i);
    }

    private TypeStream typeStream(int i, String typeUrl) {
        if (types[i] == null) {
            types[i] = new TypeStream(typeUrl);
            if (i == SDS) {
                engine.watchSecrets(this);
            }
        }
        return types[i];
    }

    private Subscriptions subscriptions(int i) {
        return i == SDS ? engine.secretSubscriptions() : scope.subscriptions(SCOPE_TYPES[i]);
    }

    private TypeView current(int i, ScopeView view) {
        if (i == SDS) {
            return engine.secrets(namespace);
        }
        return view == null ? null : view.type(SCOPE_TYPES[i]);
    }

    private boolean open(Node node) {
        Status refused = engine.events().opened(id, node);
        ProxyIdentity identity = null;
        if (refused == null) {
            try {
                identity = NodeIdentities.of(node);
            } catch (IllegalArgumentException e) {
                refused = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
            }
        }
        if (refused != null) {
            closed = true; // never opened: nothing to tell on close
            out.close(refused);
            return false;
        }
        opened = true;
        nodeId = node.getId();
        namespace = identity.namespace();
        scope = engine.join(this, identity.scopeId());
        return true;
    }

    /** A new view of the stream's scope: each type that is due, in order. Called on the fan-out thread. */
    synchronized void push() {
        if (closed || !opened) {
            return;
        }
        for (int i = CDS; i <= RDS; i++) {
            send(i);
        }
    }

    /** New secrets for the stream's namespace. */
    synchronized void pushSecrets() {
        if (!closed && opened) {
            send(SDS);
        }
    }

    private void send(int i) {
        TypeStream t = types[i];
        if (t == null) {
            return;
        }
        ScopeView view = scope.view();
        TypeView current = current(i, view);
        if (i == SDS && (!secretsAllowed || t.sub == null || t.sub.wildcard() || t.sub.names().isEmpty())) {
            return; // secrets go by name, to an authenticated stream, or not at all
        }
        PreparedResponse p;
        if (!delta) {
            if (!t.sotwDue(current)) {
                return;
            }
            if (i == SDS) {
                List<ServedResource> secrets = Diffs.sotw(null, null, current, t.sub, true);
                if (secrets.isEmpty()) {
                    return; // none of them exists here (yet)
                }
                p = PreparedResponse.sotw(t.typeUrl, t.sub.sotwVersion(current), secrets); // per stream: never shared
            } else {
                p = scope.sotw(SCOPE_TYPES[i], t.sent, t.sentSub, current, t.sub);
                boolean partial = i == EDS || i == RDS;
                if (partial && p.resources() == 0 && (t.sent == null || TypeView.sameContent(t.sent, current))) {
                    if (t.sent != null) {
                        t.holds(current); // only the subscription moved, and nothing it adds exists: nothing to say
                    }
                    return;
                }
            }
        } else {
            if (!t.deltaDue(current)) {
                return;
            }
            if (i == SDS || t.exceptions != null) {
                p = PreparedResponse.delta(t.typeUrl, current.version(), Diffs.delta(t.sent, t.sentSub, t.exceptions, current, t.sub));
            } else {
                p = scope.delta(SCOPE_TYPES[i], t.sent, t.sentSub, current, t.sub);
            }
            if (p.resources() == 0 && p.removed() == 0) {
                if (t.sent == null && t.exceptions != null) {
                    // it (re)connected holding exactly what is served here
                    engine.events().holds(id, t.typeUrl, current.version(), i == SDS || view == null ? null : view.manifest());
                }
                t.holds(current);
                return;
            }
        }
        String nonce = Long.toString(++nonces);
        t.sentAs(current, p.version(), nonce);
        OutboundResponse response = new OutboundResponse(p, nonce);
        out.send(response);
        ScopeManifest from = i == SDS || view == null ? null : view.manifest();
        engine.events().sent(id, t.typeUrl, nonce, p.version(), response.size(), from);
    }

    /** The stream ended: its subscriptions are released and the engine forgets it. */
    public synchronized void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (!opened) {
            return;
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] != null) {
                types[i].release(subscriptions(i));
            }
        }
        engine.leave(this, scope);
        engine.events().closed(id);
    }

    /** The client is done sending: the stream is completed, as java-control-plane did. */
    public synchronized void halfClosed() {
        boolean wasOpen = !closed;
        closed();
        if (wasOpen) {
            out.close(Status.OK);
        }
    }

    /** Per-type state, for tests. */
    synchronized TypeStream state(String typeUrl) {
        int i = index(typeUrl);
        return i < 0 ? null : types[i];
    }
}

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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdsStream.class);
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
        TypeStream.Outcome outcome = t.delta(r, subscriptions(i), i == CDS || i == LDS, current(i, scope.view()));
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
        return i == SDS ? engine.secretSubscriptions() : engine.subscriptions(SCOPE_TYPES[i]);
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

    /**
     * A new view of the stream's scope: each type that is due, in order. Called on the fan-out thread, within
     * {@code pass}, which holds the responses it builds for the other streams of the pass.
     */
    synchronized void push(SharedResponses.Pass pass) {
        if (closed || !opened) {
            return;
        }
        for (int i = CDS; i <= RDS && !closed; i++) {
            send(i, pass);
        }
    }

    /** New secrets for the stream's namespace. */
    synchronized void pushSecrets() {
        if (!closed && opened) {
            send(SDS);
        }
    }

    private void send(int i) {
        send(i, null);
    }

    /**
     * Sends type {@code i} what it is due, if it can be sent now. A response of the scope's types is the scope's shared
     * one for this stream's state, held by the stream until its client answers it (another stream in that state
     * meanwhile is sent the same bytes); a stream waiting for an ACK also holds the one it will be due next (see
     * {@link SharedResponses}). Secrets, and a delta client that holds something of its own, are built for this stream.
     */
    private void send(int i, SharedResponses.Pass pass) {
        TypeStream t = types[i];
        if (t == null) {
            return;
        }
        if (!t.awaiting && t.inFlight != null) {
            engine.responses().release(t.inFlight); // answered (ACK, NACK, a new subscription): this stream no longer needs it
            t.inFlight = null;
        }
        ScopeView view = scope.view();
        TypeView current = current(i, view);
        if (i == SDS && (!secretsAllowed || t.sub == null || t.sub.wildcard() || t.sub.names().isEmpty())) {
            return; // secrets go by name, to an authenticated stream, or not at all
        }
        boolean behind = delta ? t.deltaBehind(current) : t.sotwBehind(current);
        SharedResponses.Key key = !behind || i == SDS || (delta && t.exceptions != null) ? null
                : delta ? SharedResponses.deltaKey(SCOPE_TYPES[i], t.sent, t.sentSub, current, t.sub)
                : SharedResponses.sotwKey(SCOPE_TYPES[i], t.sent, t.sentSub, current, t.sub);
        if (!behind || t.awaiting) {
            await(t, key);
            return;
        }
        SharedResponses.Shared shared = key == null ? null : engine.responses().acquire(key, pass);
        await(t, null); // it is sent what it is due now, whatever it waited for before
        boolean sent = false;
        try {
            sent = deliver(i, t, view, current, shared == null ? own(t, current) : shared.response());
        } finally {
            if (sent && shared != null) {
                t.inFlight = shared;
            } else {
                engine.responses().release(shared);
            }
        }
    }

    /** What a stream waiting for an ACK will be due ({@code key}; null: nothing shared): held until it is sent. */
    private void await(TypeStream t, SharedResponses.Key key) {
        if (key == null) {
            engine.responses().release(t.due);
            t.due = null;
        } else if (t.due == null || !t.due.key.equals(key)) {
            SharedResponses.Shared next = engine.responses().acquire(key, null);
            engine.responses().release(t.due);
            t.due = next;
        }
    }

    /** This stream's own response (secrets; delta with exceptions), or null when there is nothing to send. */
    private PreparedResponse own(TypeStream t, TypeView current) {
        if (delta) {
            return PreparedResponse.delta(t.typeUrl, current.version(), Diffs.delta(t.sent, t.sentSub, t.exceptions, current, t.sub));
        }
        List<ServedResource> secrets = Diffs.sotw(null, null, current, t.sub, true);
        // none of them exists here (yet): nothing to send; else per stream, never shared
        return secrets.isEmpty() ? null : PreparedResponse.sotw(t.typeUrl, t.sub.sotwVersion(current), secrets);
    }

    /** Sends {@code p} with a new nonce, unless it says nothing this client needs to hear; whether it was sent. */
    private boolean deliver(int i, TypeStream t, ScopeView view, TypeView current, PreparedResponse p) {
        if (p == null) {
            return false;
        }
        if (!delta) {
            boolean partial = i == EDS || i == RDS;
            if (partial && p.resources() == 0 && (t.sent == null || TypeView.sameContent(t.sent, current))) {
                if (t.sent != null) {
                    t.holds(current); // only the subscription moved, and nothing it adds exists: nothing to say
                }
                return false;
            }
        } else if (p.resources() == 0 && p.removed() == 0) {
            if (t.sent == null && t.exceptions != null) {
                // it (re)connected holding exactly what is served here
                engine.events().holds(id, t.typeUrl, current.version(), i == SDS || view == null ? null : view.manifest());
            }
            t.holds(current);
            return false;
        }
        String nonce = Long.toString(++nonces);
        OutboundResponse response = new OutboundResponse(p, nonce);
        try {
            out.send(response);
        } catch (RuntimeException | OutOfMemoryError e) {
            // Netty could not take it (out of direct memory, say): the client never gets this nonce, so the stream must
            // not wait for its ACK. It ends; its client reconnects and is served whole. The other streams go on.
            LOG.warn("could not send {} to stream {} ({}): ending the stream, its client reconnects", t.typeUrl, id, e.toString());
            closed();
            out.close(Status.UNAVAILABLE.withDescription("the front could not send a response; reconnect"));
            return false;
        }
        t.sentAs(current, p.version(), nonce);
        ScopeManifest from = i == SDS || view == null ? null : view.manifest();
        engine.events().sent(id, t.typeUrl, nonce, p.version(), response.size(), from);
        return true;
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
                engine.responses().release(types[i].due); // a response it was waiting for, or was sent, is one fewer stream's
                engine.responses().release(types[i].inFlight);
                types[i].due = null;
                types[i].inFlight = null;
            }
        }
        engine.leave(this, scope);
        engine.events().closed(id);
    }

    /** The client is done sending: the stream is completed (as Envoy expects of a server, and istiod does). */
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

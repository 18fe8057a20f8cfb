package io.strait.xds.ads;

import io.strait.bus.wire.XdsType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strait's ADS serving engine: holds every scope's current {@link ScopeView} and the streams of its proxies, and when a
 * view changes, fans it out in one pass over that scope's streams, each sent pre-built bytes (see {@link ScopeStreams}).
 * A stream's own state is a few references per type ({@link TypeStream}); what it was sent is the shared view itself.
 * Secrets are the exception: served per stream, from the namespace's secrets, never shared and never from a scope view.
 *
 * <p>Threads: {@link #publish} runs on the front's fan-out thread (never a Netty event loop nor the poll thread);
 * requests run on their streams' gRPC threads.
 */
public final class AdsEngine {
    private static final Logger LOG = LoggerFactory.getLogger(AdsEngine.class);
    /** The type URL of SDS secrets. */
    public static final String SECRET_TYPE_URL = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

    private final StreamEvents events;
    private final SecretAccess secretAccess;
    private final Map<String, ScopeStreams> scopes = new ConcurrentHashMap<>();
    private final Map<String, TypeView> secrets = new ConcurrentHashMap<>();
    private final Map<String, Set<AdsStream>> secretStreams = new ConcurrentHashMap<>();
    private final Subscriptions secretSubscriptions = new Subscriptions();
    /** The scopes' subscriptions, interned front-wide per type: streams of any scope asking the same names share one. */
    private final Map<XdsType, Subscriptions> subscriptions = new EnumMap<>(XdsType.class);
    private final SharedResponses responses = new SharedResponses();
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param events       told of every stream opened and closed, response sent, ACK and NACK
     * @param secretAccess who may be served secrets
     */
    public AdsEngine(StreamEvents events, SecretAccess secretAccess) {
        this.events = events;
        this.secretAccess = secretAccess;
        for (XdsType t : XdsType.values()) {
            subscriptions.put(t, new Subscriptions());
        }
    }

    /**
     * A new stream.
     *
     * @param fixedTypeUrl the type of a single-type service (CDS, EDS, ...), or null for ADS
     * @param delta        whether it speaks delta xDS
     */
    public AdsStream open(AdsStream.Outbound out, String fixedTypeUrl, boolean delta) {
        return new AdsStream(ids.incrementAndGet(), this, out, fixedTypeUrl, delta);
    }

    /** A scope's new view: every stream of the scope is sent what it is due, in one pass. */
    public void publish(ScopeView view) {
        publish(List.of(view));
    }

    /**
     * Scopes' new views, one pass over all their streams: a response built for one scope's streams is held until the
     * pass has visited every scope, so scopes serving the same content (a one-service change in a mesh where every
     * proxy sees every service: hundreds of scopes) share one build, whether or not the first ones have answered.
     */
    public void publish(List<ScopeView> views) {
        // the pass holds what it builds until every stream was visited; then only streams that still need it keep it
        try (SharedResponses.Pass pass = responses.pass()) {
            for (ScopeView view : views) {
                ScopeStreams scope = scopes.computeIfAbsent(view.scope(), ScopeStreams::new);
                scope.install(view);
                for (AdsStream stream : scope.streams) {
                    try {
                        stream.push(pass);
                    } catch (RuntimeException e) {
                        LOG.error("pushing scope {} to stream {} failed", view.scope(), stream.id(), e);
                    }
                }
            }
        }
    }

    /** A namespace's secrets changed (an empty view when it has none any more). */
    public void secretsChanged(String namespace, TypeView view) {
        secrets.put(namespace, view);
        for (AdsStream stream : secretStreams.getOrDefault(namespace, Set.of())) {
            stream.pushSecrets();
        }
    }

    /** The view a scope is served now, or null. */
    public ScopeView view(String scope) {
        ScopeStreams s = scopes.get(scope);
        return s == null ? null : s.view();
    }

    /** Streams open for a scope. */
    public int streams(String scope) {
        ScopeStreams s = scopes.get(scope);
        return s == null ? 0 : s.streams.size();
    }

    ScopeStreams join(AdsStream stream, String scope) {
        ScopeStreams s = scopes.computeIfAbsent(scope, ScopeStreams::new);
        s.streams.add(stream);
        return s;
    }

    void leave(AdsStream stream, ScopeStreams scope) {
        scope.streams.remove(stream);
        if (stream.namespace() != null) {
            secretStreams.computeIfPresent(stream.namespace(), (ns, set) -> {
                set.remove(stream);
                return set.isEmpty() ? null : set;
            });
        }
    }

    void watchSecrets(AdsStream stream) {
        secretStreams.computeIfAbsent(stream.namespace(), ns -> ConcurrentHashMap.newKeySet()).add(stream);
    }

    TypeView secrets(String namespace) {
        return namespace == null ? null : secrets.get(namespace);
    }

    Subscriptions subscriptions(XdsType type) {
        return subscriptions.get(type);
    }

    SharedResponses responses() {
        return responses;
    }

    Subscriptions secretSubscriptions() {
        return secretSubscriptions;
    }

    StreamEvents events() {
        return events;
    }

    SecretAccess secretAccess() {
        return secretAccess;
    }

    /** How many shared responses the front holds: for streams that are yet to be sent them or to answer them (tests). */
    public int responsesHeld() {
        return responses.held();
    }

    /** How many shared responses were serialized so far (tests). */
    public long responsesBuilt() {
        return responses.built();
    }
}

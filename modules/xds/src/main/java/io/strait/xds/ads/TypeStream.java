package io.strait.xds.ads;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One type of one stream: what it subscribes to, which view it was last sent (a reference, never a copy), the nonce
 * in flight and the last versions ACKed and refused. A few references, whatever the mesh's size. The request rules
 * are here, as plain decisions over that state:
 *
 * <ul>
 *   <li>state of the world: a request whose nonce is not the last one sent is stale and ignored; an error detail is a
 *   NACK (recorded; the refused view is not resent — the next change is); an empty nonce is a new subscription, or a
 *   reconnecting client that says which version it holds (nothing is sent if that is the current one); otherwise an
 *   ACK, which may change the subscription.</li>
 *   <li>delta: subscribe and unsubscribe apply whatever the nonce; a nonce answers the response in flight (ACK or
 *   NACK); the first request's {@code initial_resource_versions} are what the client holds.</li>
 * </ul>
 * At most one response is in flight: a view that arrives meanwhile is sent, as one diff, once the ACK comes.
 * Not thread-safe: used under its stream's lock.
 */
final class TypeStream {
    /** What a request was. */
    enum Outcome { STALE, ACK, NACK, SUBSCRIBE, HOLDS_CURRENT }

    final String typeUrl;
    Subscription sub;
    /** The view the client was last sent (delta: the basis of what it holds); null when unknown. */
    TypeView sent;
    Subscription sentSub;
    /** Delta only: names where the client holds something other than {@link #sent} says (null value: none). */
    Map<String, String> exceptions;
    String sentVersion;
    String nonce;
    boolean awaiting;
    String acked;
    String nacked;
    /**
     * The shared response this stream is due once its ACK comes (it was waiting when the view arrived), held so that
     * the streams in that state share one build; null when none.
     */
    SharedResponses.Shared due;
    /** The shared response sent and not yet answered, held so that a stream arriving in the same state shares it. */
    SharedResponses.Shared inFlight;

    TypeStream(String typeUrl) {
        this.typeUrl = typeUrl;
    }

    /** A state-of-the-world request. */
    Outcome sotw(DiscoveryRequest r, Subscriptions subs, TypeView current) {
        String answering = r.getResponseNonce();
        if (!answering.isEmpty() && !answering.equals(nonce)) {
            return Outcome.STALE; // the client has not seen the latest response yet; its answer to that one will come
        }
        if (!sameNames(r)) {
            resubscribe(subs, subs.intern(r.getResourceNamesCount() == 0, new HashSet<>(r.getResourceNamesList()), current));
        }
        if (r.hasErrorDetail()) {
            awaiting = false;
            nacked = sentVersion;
            return Outcome.NACK;
        }
        if (answering.isEmpty()) {
            awaiting = false;
            if (!r.getVersionInfo().isEmpty() && current != null && sub.sotwVersion(current).equals(r.getVersionInfo())) {
                // a client moving from another front with what this one serves now: nothing to send
                sent = current;
                sentSub = sub;
                sentVersion = r.getVersionInfo();
                return Outcome.HOLDS_CURRENT;
            }
            sent = null;
            sentSub = null;
            return Outcome.SUBSCRIBE;
        }
        awaiting = false;
        if (!r.getVersionInfo().equals(sentVersion)) {
            sent = null; // it says it holds something it was not sent here: send it everything it asks for
        }
        acked = r.getVersionInfo();
        return Outcome.ACK;
    }

    /**
     * A delta request; {@code wildcardByDefault} for types whose empty first subscription means everything, {@code current}
     * the view served now (or null).
     */
    Outcome delta(DeltaDiscoveryRequest r, Subscriptions subs, boolean wildcardByDefault, TypeView current) {
        if (sub == null) {
            boolean wildcard = (r.getResourceNamesSubscribeCount() == 0 && wildcardByDefault)
                    || r.getResourceNamesSubscribeList().contains("*");
            Set<String> names = new HashSet<>(r.getResourceNamesSubscribeList());
            names.remove("*");
            sub = subs.intern(wildcard, names, current);
            if (r.getInitialResourceVersionsCount() > 0) {
                exceptions = new HashMap<>(r.getInitialResourceVersionsMap()); // what it holds from before
            }
            return Outcome.SUBSCRIBE;
        }
        Outcome outcome = Outcome.SUBSCRIBE;
        String answering = r.getResponseNonce();
        if (!answering.isEmpty()) {
            if (awaiting && answering.equals(nonce)) {
                awaiting = false;
                if (r.hasErrorDetail()) {
                    nacked = sentVersion;
                    outcome = Outcome.NACK;
                } else {
                    acked = sentVersion;
                    outcome = Outcome.ACK;
                }
            } else {
                outcome = Outcome.STALE;
            }
        }
        if (r.getResourceNamesSubscribeCount() > 0 || r.getResourceNamesUnsubscribeCount() > 0) {
            resubscribe(subs, subs.moved(sub, r.getResourceNamesSubscribeList(), r.getResourceNamesUnsubscribeList(), current));
            for (String u : r.getResourceNamesUnsubscribeList()) {
                if (!sub.covers(u) && sentSub != null && sentSub.covers(u)) {
                    // the client forgets what it unsubscribed: if it asks again, it is sent again
                    if (exceptions == null) {
                        exceptions = new HashMap<>();
                    }
                    exceptions.put(u, null);
                }
            }
        }
        return outcome;
    }

    /** Whether a request asks for what the stream is subscribed to (an ACK mostly does): no set is built for it. */
    private boolean sameNames(DiscoveryRequest r) {
        if (sub == null) {
            return false;
        }
        if (r.getResourceNamesCount() == 0) {
            return sub == Subscription.WILDCARD;
        }
        if (sub.wildcard() || r.getResourceNamesCount() != sub.names().size()) {
            return false;
        }
        for (String name : r.getResourceNamesList()) {
            if (!sub.names().contains(name)) {
                return false;
            }
        }
        return true; // as many names, each in the set: the same set (unless the client repeats a name and drops another)
    }

    private void resubscribe(Subscriptions subs, Subscription next) {
        if (next == sub) {
            subs.release(next); // interned once more than needed
        } else {
            subs.release(sub);
            sub = next;
        }
    }

    /** Whether the client lacks {@code current} (state of the world): a response is due, now or after the ACK. */
    boolean sotwBehind(TypeView current) {
        return sub != null && current != null && !(sent != null && sentSub == sub && TypeView.sameContent(sent, current));
    }

    /** Whether a delta response may be due, now or after the ACK (its content may still turn out empty). */
    boolean deltaBehind(TypeView current) {
        return sub != null && current != null
                && !(exceptions == null && sent != null && sentSub == sub && TypeView.sameContent(sent, current));
    }

    /** The client now holds {@code current} for its subscription (sent, or nothing to send). */
    void holds(TypeView current) {
        sent = current;
        sentSub = sub;
        exceptions = null;
    }

    /** A response went out. */
    void sentAs(TypeView current, String version, String withNonce) {
        holds(current);
        sentVersion = version;
        nonce = withNonce;
        awaiting = true;
    }

    void release(Subscriptions subs) {
        subs.release(sub);
        sub = null;
    }
}

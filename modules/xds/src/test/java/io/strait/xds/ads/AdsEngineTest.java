package io.strait.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.XdsType;
import io.strait.xds.NodeIdentities;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's decisions over plain views, without gRPC: what each response carries (full state for CDS and LDS,
 * only what changed for RDS and EDS, what differs for delta), stale nonces, the NACK hold, one response in flight,
 * and that streams in the same state share one serialized response.
 */
class AdsEngineTest {
    private static final String CDS = XdsType.CDS.typeUrl();
    private static final String RDS = XdsType.RDS.typeUrl();
    private static final String LDS = XdsType.LDS.typeUrl();
    private static final Node NODE = Node.newBuilder().setId("sidecar~10.0.0.1~web-1.shop~shop.svc.cluster.local").build();
    private static final String SCOPE = NodeIdentities.of(NODE).scopeId();

    /** A stream's responses, as a client would parse them. */
    private static class Recorded implements AdsStream.Outbound {
        final List<OutboundResponse> sent = new ArrayList<>();
        io.grpc.Status closed;

        @Override
        public void send(OutboundResponse response) {
            sent.add(response);
        }

        @Override
        public void close(io.grpc.Status status) {
            closed = status;
        }

        DiscoveryResponse last() throws InvalidProtocolBufferException {
            return DiscoveryResponse.parseFrom(sent.get(sent.size() - 1).toByteArray());
        }

        DeltaDiscoveryResponse lastDelta() throws InvalidProtocolBufferException {
            return DeltaDiscoveryResponse.parseFrom(sent.get(sent.size() - 1).toByteArray());
        }
    }

    /** Builds views: per type, name → a tag that stands for its content. */
    private static final class Views {
        private long generation;
        private final Map<XdsType, Map<String, String>> content = new EnumMap<>(XdsType.class);

        Views put(XdsType type, String name, String tag) {
            content.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(name, tag);
            return this;
        }

        Views remove(XdsType type, String name) {
            content.get(type).remove(name);
            return this;
        }

        ScopeView build() {
            Map<String, List<ScopeManifest.NamedHash>> named = new java.util.TreeMap<>();
            Map<XdsType, TypeView> types = new EnumMap<>(XdsType.class);
            content.forEach((type, byName) -> {
                List<ServedResource> resources = new ArrayList<>();
                List<String> parts = new ArrayList<>();
                byName.forEach((name, tag) -> {
                    Any any = type == XdsType.RDS
                            ? Any.pack(RouteConfiguration.newBuilder().setName(name).addInternalOnlyHeaders(tag).build())
                            : Any.pack(Cluster.newBuilder().setName(name).setAltStatName(tag).build());
                    String hash = ContentHash.of(any.toByteArray());
                    resources.add(new ServedResource(name, hash, any));
                    parts.add(name + "=" + hash);
                });
                named.put(type.typeUrl(), resources.stream().map(r -> new ScopeManifest.NamedHash(r.name(), r.hash())).toList());
                types.put(type, new TypeView(type.typeUrl(), ContentHash.ofStrings(parts), resources));
            });
            generation++;
            return new ScopeView(new ScopeManifest(1, SCOPE, generation, Map.of("folder", "r" + generation), named, List.of(),
                    Map.of(), generation, generation), types);
        }
    }

    private static Views routes() {
        Views v = new Views();
        v.content.put(XdsType.RDS, new LinkedHashMap<>());
        return v;
    }

    private static DiscoveryRequest sotw(String type, String version, String nonce, String... names) {
        return DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(type).setVersionInfo(version).setResponseNonce(nonce)
                .addAllResourceNames(List.of(names)).build();
    }

    private static DiscoveryRequest ack(DiscoveryResponse r, String... names) {
        return sotw(r.getTypeUrl(), r.getVersionInfo(), r.getNonce(), names);
    }

    private static List<String> names(DiscoveryResponse r) {
        return r.getResourcesList().stream().map(a -> {
            try {
                return a.getTypeUrl().equals(RDS) ? a.unpack(RouteConfiguration.class).getName() : a.unpack(Cluster.class).getName();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void clustersAreFullStateAndAnAckAsksForNothing() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = new Views().put(XdsType.CDS, "a", "1").put(XdsType.CDS, "b", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, false);
        stream.onRequest(sotw(CDS, "", ""));
        DiscoveryResponse first = out.last();
        assertThat(names(first)).containsExactly("a", "b");
        assertThat(first.getNonce()).isEqualTo("1");
        stream.onRequest(ack(first));
        assertThat(out.sent).hasSize(1);

        engine.publish(views.put(XdsType.CDS, "b", "2").put(XdsType.CDS, "c", "1").build());
        DiscoveryResponse second = out.last();
        assertThat(names(second)).as("every cluster, changed or not").containsExactly("a", "b", "c");
        assertThat(second.getNonce()).isEqualTo("2");
        assertThat(second.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
    }

    @Test
    void aResponseNettyCannotTakeEndsThatStreamAndThePassGoesOnToTheOthers() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = new Views().put(XdsType.CDS, "a", "1");
        engine.publish(views.build());
        Recorded[] outs = {new Recorded(), new Recorded(), new Recorded()};
        boolean[] full = {false};
        Recorded failing = new Recorded() {
            @Override
            public void send(OutboundResponse response) {
                if (full[0]) {
                    // what a front out of direct memory met (row D at 10,000 state-of-the-world proxies)
                    throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
                }
                super.send(response);
            }
        };
        outs[1] = failing;
        List<AdsStream> streams = new ArrayList<>();
        for (Recorded out : outs) {
            AdsStream stream = engine.open(out, null, false);
            stream.onRequest(sotw(CDS, "", ""));
            stream.onRequest(ack(out.last()));
            streams.add(stream);
        }
        full[0] = true;
        engine.publish(views.put(XdsType.CDS, "b", "1").build());
        assertThat(failing.closed.getCode()).as("the stream that missed it ends: its client reconnects and is served whole")
                .isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        for (Recorded other : List.of(outs[0], outs[2])) {
            assertThat(names(other.last())).as("the other streams of the pass").containsExactly("a", "b");
            assertThat(other.closed).isNull();
        }
        assertThat(engine.view(SCOPE)).isNotNull();
    }

    @Test
    void routesCarryOnlyWhatChangedAndWhatIsNewlySubscribed() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1").put(XdsType.RDS, "r3", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, false);
        stream.onRequest(sotw(RDS, "", "", "r1", "r2"));
        assertThat(names(out.last())).containsExactly("r1", "r2");
        stream.onRequest(ack(out.last(), "r1", "r2"));

        engine.publish(views.put(XdsType.RDS, "r2", "2").put(XdsType.RDS, "r3", "2").build());
        assertThat(out.sent).hasSize(2);
        assertThat(names(out.last())).as("r2 changed; r3 is not subscribed").containsExactly("r2");
        stream.onRequest(ack(out.last(), "r1", "r2", "r3"));
        assertThat(out.sent).hasSize(3);
        assertThat(names(out.last())).as("a new subscription: only the name added").containsExactly("r3");
        stream.onRequest(ack(out.last(), "r1", "r2", "r3"));

        // a change outside the stream's names moves the version: an empty response says so
        engine.publish(views.put(XdsType.RDS, "r4", "1").build());
        assertThat(out.sent).hasSize(4);
        assertThat(out.last().getResourcesList()).isEmpty();
    }

    @Test
    void aStaleNonceIsIgnoredAndViewsArrivingMeanwhileGoOutAsOneDiffAfterTheAck() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, false);
        stream.onRequest(sotw(RDS, "", "", "r1", "r2"));
        DiscoveryResponse first = out.last();
        engine.publish(views.put(XdsType.RDS, "r1", "2").build());
        engine.publish(views.put(XdsType.RDS, "r1", "3").build());
        assertThat(out.sent).as("one response in flight").hasSize(1);
        stream.onRequest(sotw(RDS, "", "0", "r1")); // answers a response it never got: stale
        assertThat(out.sent).hasSize(1);
        assertThat(stream.state(RDS).sub.names()).as("a stale request changes nothing").containsExactlyInAnyOrder("r1", "r2");
        stream.onRequest(ack(first, "r1", "r2"));
        assertThat(out.sent).hasSize(2);
        DiscoveryResponse coalesced = out.last();
        assertThat(names(coalesced)).containsExactly("r1");
        assertThat(coalesced.getResources(0).unpack(RouteConfiguration.class).getInternalOnlyHeaders(0)).isEqualTo("3");
    }

    @Test
    void aRefusedResponseIsNotSentAgainButTheNextChangeIs() throws Exception {
        List<String> events = new ArrayList<>();
        AdsEngine engine = new AdsEngine(new Events(events), SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, false);
        stream.onRequest(sotw(RDS, "", "", "r1"));
        DiscoveryResponse refused = out.last();
        stream.onRequest(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(RDS).addResourceNames("r1")
                .setResponseNonce(refused.getNonce()).setErrorDetail(Status.newBuilder().setMessage("bad route")).build());
        assertThat(out.sent).as("held").hasSize(1);
        assertThat(events).contains("nack " + refused.getVersionInfo() + " bad route");
        engine.publish(views.put(XdsType.RDS, "r1", "2").build());
        assertThat(out.sent).hasSize(2);
        assertThat(out.last().getVersionInfo()).isNotEqualTo(refused.getVersionInfo());
    }

    @Test
    void listenersByNameAreAnsweredWithThoseThatExist() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        engine.publish(new Views().put(XdsType.LDS, "web:80", "1").put(XdsType.LDS, "db:5432", "1").build());
        Recorded out = new Recorded();
        engine.open(out, null, false).onRequest(sotw(LDS, "", "", "web:80", "typo:80"));
        assertThat(names(out.last())).containsExactly("web:80");
    }

    @Test
    void aStreamThatAsksBeforeItsScopeHasAViewIsAnsweredWhenItArrives() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Recorded out = new Recorded();
        engine.open(out, null, false).onRequest(sotw(CDS, "", ""));
        assertThat(out.sent).isEmpty();
        engine.publish(new Views().put(XdsType.CDS, "a", "1").build());
        assertThat(names(out.last())).containsExactly("a");
    }

    @Test
    void aClientReconnectingWithTheCurrentVersionIsSentNothing() throws Exception {
        List<String> events = new ArrayList<>();
        AdsEngine engine = new AdsEngine(new Events(events), SecretAccess.NONE);
        Views views = new Views().put(XdsType.CDS, "a", "1");
        engine.publish(views.build());
        Recorded first = new Recorded();
        engine.open(first, null, false).onRequest(sotw(CDS, "", ""));
        String held = first.last().getVersionInfo();
        Recorded again = new Recorded();
        AdsStream moved = engine.open(again, null, false);
        moved.onRequest(sotw(CDS, held, ""));
        assertThat(again.sent).isEmpty();
        assertThat(events).as("reported as holding it, so status says SYNCED").contains("holds " + held);
        engine.publish(views.put(XdsType.CDS, "a", "2").build());
        assertThat(names(again.last())).containsExactly("a");
    }

    @Test
    void streamsInTheSameStateShareOneSubscriptionAndOneSerializedResponse() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1");
        engine.publish(views.build());
        List<Recorded> outs = new ArrayList<>();
        List<AdsStream> streams = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Recorded out = new Recorded();
            AdsStream s = engine.open(out, null, false);
            s.onRequest(sotw(RDS, "", "", "r2", "r1"));
            s.onRequest(ack(out.last(), "r1", "r2"));
            outs.add(out);
            streams.add(s);
        }
        assertThat(streams).allSatisfy(s -> assertThat(s.state(RDS).sub).isSameAs(streams.get(0).state(RDS).sub));
        engine.publish(views.put(XdsType.RDS, "r1", "2").build());
        var body = outs.get(0).sent.get(1).prepared().body();
        assertThat(outs).allSatisfy(o -> assertThat(o.sent.get(1).prepared().body()).isSameAs(body));
        assertThat(outs).allSatisfy(o -> assertThat(names(o.last())).containsExactly("r1"));
        assertThat(engine.responsesHeld()).as("the first responses, for an older view, are dropped; this one is "
                + "held until every stream answers it").isEqualTo(1);
        // per-stream nonces on shared bytes
        assertThat(outs.stream().map(o -> {
            try {
                return o.last().getNonce();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }).distinct()).containsExactly("2");
        for (int i = 0; i < streams.size(); i++) {
            streams.get(i).onRequest(ack(outs.get(i).last(), "r1", "r2"));
        }
        assertThat(engine.responsesHeld()).as("every stream has ACKed it: nothing is kept").isZero();
        streams.forEach(AdsStream::closed);
        assertThat(engine.streams(SCOPE)).isZero();
    }

    @Test
    void streamsWaitingForAnAckShareWhatTheyAreDueAndTheLastOfThemReleasesIt() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1");
        engine.publish(views.build());
        List<Recorded> waiting = new ArrayList<>();
        List<AdsStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorded out = new Recorded();
            AdsStream s = engine.open(out, null, false);
            s.onRequest(sotw(RDS, "", "", "r1", "r2")); // not ACKed yet
            waiting.add(out);
            streams.add(s);
        }
        Recorded ready = new Recorded();
        AdsStream acked = engine.open(ready, null, false);
        acked.onRequest(sotw(RDS, "", "", "r1", "r2"));
        acked.onRequest(ack(ready.last(), "r1", "r2"));
        assertThat(engine.responsesHeld()).as("the initial response, three streams still to answer it").isEqualTo(1);

        long built = engine.responsesBuilt();
        engine.publish(views.put(XdsType.RDS, "r1", "2").build());
        assertThat(ready.sent).hasSize(2);
        assertThat(waiting).allSatisfy(o -> assertThat(o.sent).hasSize(1));
        assertThat(engine.responsesHeld()).as("what the three streams still to ACK are due, and the initial response they "
                + "have not answered yet").isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            streams.get(i).onRequest(ack(waiting.get(i).last(), "r1", "r2"));
            assertThat(waiting.get(i).sent).hasSize(2);
            assertThat(waiting.get(i).sent.get(1).prepared().body()).isSameAs(ready.sent.get(1).prepared().body());
            assertThat(names(waiting.get(i).last())).containsExactly("r1");
        }
        assertThat(engine.responsesHeld()).as("the change, sent and due; the initial response, unanswered by the third")
                .isEqualTo(2);
        streams.get(2).closed();
        acked.onRequest(ack(ready.last(), "r1", "r2"));
        for (int i = 0; i < 2; i++) {
            streams.get(i).onRequest(ack(waiting.get(i).last(), "r1", "r2"));
        }
        assertThat(engine.responsesHeld()).as("one stream due it is gone, the others have ACKed it").isZero();
        assertThat(engine.responsesBuilt() - built).as("built once for the pass and both ACKs").isEqualTo(1);
    }

    @Test
    void proxiesConnectingTogetherShareTheirInitialSyncAndOneConnectingLaterHasItBuiltAgain() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        engine.publish(new Views().put(XdsType.CDS, "a", "1").put(XdsType.CDS, "b", "1").build());
        Recorded first = new Recorded();
        AdsStream one = engine.open(first, null, false);
        one.onRequest(sotw(CDS, "", ""));
        Recorded second = new Recorded();
        AdsStream two = engine.open(second, null, false);
        two.onRequest(sotw(CDS, "", "")); // before the first has answered
        assertThat(second.sent.get(0).prepared().body()).isSameAs(first.sent.get(0).prepared().body());
        assertThat(engine.responsesBuilt()).isEqualTo(1);
        one.onRequest(ack(first.last()));
        assertThat(engine.responsesHeld()).as("the second has not answered yet").isEqualTo(1);
        two.onRequest(ack(second.last()));
        assertThat(engine.responsesHeld()).isZero();
        Recorded later = new Recorded();
        engine.open(later, null, false).onRequest(sotw(CDS, "", ""));
        assertThat(names(later.last())).containsExactly("a", "b");
        assertThat(engine.responsesBuilt()).isEqualTo(2);
    }

    @Test
    void theNonceTailParsesAsTheResponsesNonce() throws Exception {
        PreparedResponse p = PreparedResponse.sotw(CDS, "v1", List.of());
        DiscoveryResponse r = DiscoveryResponse.parseFrom(new OutboundResponse(p, "12345").toByteArray());
        assertThat(r.getNonce()).isEqualTo("12345");
        assertThat(r.getVersionInfo()).isEqualTo("v1");
        assertThat(r.getTypeUrl()).isEqualTo(CDS);
        assertThat(new OutboundResponse(p, "7").size()).isEqualTo(r.toBuilder().setNonce("7").build().getSerializedSize());
    }

    @Test
    void deltaSendsWhatDiffersAndWhatWasRemoved() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = new Views().put(XdsType.CDS, "a", "1").put(XdsType.CDS, "b", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, true);
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).build());
        DeltaDiscoveryResponse first = out.lastDelta();
        assertThat(first.getResourcesList()).extracting(Resource::getName).containsExactly("a", "b");
        Map<String, String> held = new java.util.HashMap<>();
        first.getResourcesList().forEach(r -> held.put(r.getName(), r.getVersion()));
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(first.getNonce()).build());

        engine.publish(views.put(XdsType.CDS, "b", "2").put(XdsType.CDS, "c", "1").remove(XdsType.CDS, "a").build());
        DeltaDiscoveryResponse change = out.lastDelta();
        assertThat(change.getResourcesList()).extracting(Resource::getName).containsExactly("b", "c");
        assertThat(change.getRemovedResourcesList()).containsExactly("a");
        change.getResourcesList().forEach(r -> held.put(r.getName(), r.getVersion()));
        held.remove("a");

        // the client reconnects (to this front or another) with what it holds: nothing to send
        Recorded again = new Recorded();
        AdsStream moved = engine.open(again, null, true);
        moved.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).putAllInitialResourceVersions(held).build());
        assertThat(again.sent).isEmpty();
        // with one stale version: only that one
        Recorded stale = new Recorded();
        AdsStream third = engine.open(stale, null, true);
        third.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).putAllInitialResourceVersions(held)
                .putInitialResourceVersions("b", "old").putInitialResourceVersions("gone", "x").build());
        assertThat(stale.lastDelta().getResourcesList()).extracting(Resource::getName).containsExactly("b");
        assertThat(stale.lastDelta().getRemovedResourcesList()).containsExactly("gone");
    }

    @Test
    void scopesServingTheSameViewsShareOneResponseAndOneSubscriptionAcrossScopes() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Node other = Node.newBuilder().setId("sidecar~10.0.0.2~api-1.shop2~shop2.svc.cluster.local").build();
        String otherScope = NodeIdentities.of(other).scopeId();
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1");
        ScopeView first = views.build();
        // the front keeps one view per type and content (HeldViews): both scopes serve the same instances
        java.util.function.Function<ScopeView, ScopeView> alsoOther = v -> new ScopeView(new ScopeManifest(1, otherScope,
                v.manifest().generation(), v.manifest().revisions(), v.manifest().resources(), List.of(), Map.of(), 0, 0), v.types());
        engine.publish(first);
        engine.publish(alsoOther.apply(first));
        List<Recorded> outs = new ArrayList<>();
        List<AdsStream> streams = new ArrayList<>();
        for (Node node : List.of(NODE, other, NODE, other)) {
            Recorded out = new Recorded();
            AdsStream s = engine.open(out, null, true);
            s.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNamesSubscribe("r1").build());
            outs.add(out);
            streams.add(s);
        }
        assertThat(engine.responsesBuilt()).as("one initial response for the four streams of both scopes").isEqualTo(1);
        for (int i = 0; i < streams.size(); i++) {
            streams.get(i).onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS)
                    .setResponseNonce(outs.get(i).lastDelta().getNonce()).build());
        }

        ScopeView second = views.put(XdsType.RDS, "r1", "2").build();
        long built = engine.responsesBuilt();
        engine.publish(second);
        engine.publish(alsoOther.apply(second));
        var body = outs.get(0).sent.get(1).prepared().body();
        assertThat(outs).allSatisfy(o -> assertThat(o.sent.get(1).prepared().body()).isSameAs(body));
        assertThat(engine.responsesBuilt() - built).as("the change built once for both scopes").isEqualTo(1);

        // every stream then subscribes to r2: one subscription instance, reached by each stream from the one they share
        for (int i = 0; i < streams.size(); i++) {
            streams.get(i).onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS)
                    .setResponseNonce(outs.get(i).lastDelta().getNonce()).addResourceNamesSubscribe("r2").build());
            assertThat(outs.get(i).lastDelta().getResourcesList()).extracting(Resource::getName).containsExactly("r2");
        }
        assertThat(streams).allSatisfy(s -> assertThat(s.state(RDS).sub).isSameAs(streams.get(0).state(RDS).sub));
        assertThat(streams.get(0).state(RDS).sub.names()).containsExactlyInAnyOrder("r1", "r2");
        streams.forEach(AdsStream::closed);
        assertThat(engine.responsesHeld()).isZero();
    }

    @Test
    void deltaSubscriptionsByName() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        Views views = routes().put(XdsType.RDS, "r1", "1").put(XdsType.RDS, "r2", "1");
        engine.publish(views.build());
        Recorded out = new Recorded();
        AdsStream stream = engine.open(out, null, true);
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(RDS).addResourceNamesSubscribe("r1").build());
        assertThat(out.lastDelta().getResourcesList()).extracting(Resource::getName).containsExactly("r1");
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS).setResponseNonce(out.lastDelta().getNonce())
                .addResourceNamesSubscribe("r2").addResourceNamesUnsubscribe("r1").build());
        assertThat(out.lastDelta().getResourcesList()).extracting(Resource::getName).containsExactly("r2");
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS).setResponseNonce(out.lastDelta().getNonce())
                .addResourceNamesSubscribe("r1").build());
        assertThat(out.lastDelta().getResourcesList()).as("unsubscribed, then asked again: sent again").extracting(Resource::getName)
                .containsExactly("r1");
        int before = out.sent.size();
        stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS).setResponseNonce(out.lastDelta().getNonce())
                .setErrorDetail(Status.newBuilder().setMessage("no")).build());
        assertThat(out.sent).as("a NACK is not answered").hasSize(before);
    }

    @Test
    void secretsGoByNameToStreamsAllowedThemAndNeverToOthers() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, (node, names) -> node.contains("gw-1"));
        String sds = AdsEngine.SECRET_TYPE_URL;
        Any secret = Any.pack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.newBuilder().setName("kubernetes://cert").build());
        engine.secretsChanged("shop", new TypeView(sds, "s1", List.of(new ServedResource("kubernetes://cert", "h1", secret))));
        Node gateway = Node.newBuilder().setId("router~10.0.0.2~gw-1.shop~shop.svc.cluster.local").build();
        Node other = Node.newBuilder().setId("router~10.0.0.3~gw-2.shop~shop.svc.cluster.local").build();
        Recorded allowed = new Recorded();
        engine.open(allowed, null, false).onRequest(DiscoveryRequest.newBuilder().setNode(gateway).setTypeUrl(sds)
                .addResourceNames("kubernetes://cert").build());
        assertThat(allowed.last().getResourcesCount()).isEqualTo(1);
        Recorded refused = new Recorded();
        engine.open(refused, null, false).onRequest(DiscoveryRequest.newBuilder().setNode(other).setTypeUrl(sds)
                .addResourceNames("kubernetes://cert").build());
        Recorded wildcard = new Recorded();
        engine.open(wildcard, null, false).onRequest(DiscoveryRequest.newBuilder().setNode(gateway).setTypeUrl(sds).build());
        engine.secretsChanged("shop", new TypeView(sds, "s2", List.of(new ServedResource("kubernetes://cert", "h2", secret))));
        assertThat(refused.sent).isEmpty();
        assertThat(wildcard.sent).isEmpty();
        assertThat(allowed.sent).as("not pushed while the first is unacked").hasSize(1);
    }

    /** Events as lines. */
    private record Events(List<String> lines) implements StreamEvents {
        @Override
        public io.grpc.Status opened(long streamId, Node node) {
            lines.add("open " + node.getId());
            return null;
        }

        @Override
        public void sent(long streamId, String typeUrl, String nonce, String version, int bytes, ScopeManifest from) {
            lines.add("sent " + version);
        }

        @Override
        public void holds(long streamId, String typeUrl, String version, ScopeManifest from) {
            lines.add("holds " + version);
        }

        @Override
        public void acked(long streamId, String typeUrl, String version) {
            lines.add("ack " + version);
        }

        @Override
        public void nacked(long streamId, String typeUrl, String refused, String accepted, String error) {
            lines.add("nack " + refused + " " + error);
        }

        @Override
        public void closed(long streamId) {
            lines.add("closed");
        }
    }
}

package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import io.strait.bus.wire.XdsType;
import io.strait.xds.ads.AdsEngine;
import io.strait.xds.ads.AdsStream;
import io.strait.xds.ads.OutboundResponse;
import io.strait.xds.ads.SecretAccess;
import io.strait.xds.ads.StreamEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A one-cluster change in a mesh where every proxy sees every service, through the front's real path (manifests and
 * bundles from the bus → {@link ScopeSnapshots} → {@link AdsEngine}) to delta streams of many scopes: the change is
 * built once for every scope's streams, not once per scope (issue 14, row D: 200 scopes of 3,000 clusters).
 */
class FrontFanOutSharingTest {
    private static final int SCOPES = 20;
    private static final int STREAMS_PER_SCOPE = 3;
    private static final String CDS = XdsType.CDS.typeUrl();
    private static final String EDS = XdsType.EDS.typeUrl();

    /** A delta client's last response. */
    private static final class Recorded implements AdsStream.Outbound {
        final List<OutboundResponse> sent = new ArrayList<>();

        @Override
        public void send(OutboundResponse response) {
            sent.add(response);
        }

        @Override
        public void close(io.grpc.Status status) {
        }

        DeltaDiscoveryResponse last() throws Exception {
            return DeltaDiscoveryResponse.parseFrom(sent.get(sent.size() - 1).toByteArray());
        }
    }

    private static final class Mesh {
        final List<ScopeManifest.NamedHash> clusters = new ArrayList<>();
        final List<String> names = new ArrayList<>();

        /** Writes cluster {@code i} and its assignment to the front. */
        void add(ScopeSnapshots front, int i) {
            String name = "outbound|80||svc-" + i + ".ns-" + i % 7 + ".svc.cluster.local";
            Cluster cluster = Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build();
            String hash = ContentHash.of(ContentHash.serialize(cluster));
            front.resource(hash, encode(cluster));
            byte[] cla = ContentHash.serialize(ClusterLoadAssignment.newBuilder().setClusterName(name)
                    .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                            Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("10.1." + i / 250 + "." + i % 250).setPortValue(8080))))))
                    .build());
            front.assignment(new EndpointAssignment(1, name, ContentHash.of(cla), ResourceCodec.encode(cla), Map.of("folder", "r"), 1));
            clusters.add(new ScopeManifest.NamedHash(name, hash));
            names.add(name);
        }

        /** Every scope's manifest of this generation, naming the mesh through two bundles, as translators write it. */
        void publish(ScopeSnapshots front, List<String> scopes, long generation) {
            byte[] cds = new ResourceBundle(List.copyOf(clusters), List.of()).encode();
            byte[] eds = new ResourceBundle(List.of(), List.copyOf(names)).encode();
            front.resource(ContentHash.of(cds), cds);
            front.resource(ContentHash.of(eds), eds);
            for (String scope : scopes) {
                front.manifest(new ScopeManifest(1, scope, generation, Map.of("folder", "r" + generation), Map.of(), List.of(),
                        Map.of(CDS, ContentHash.of(cds), ScopeManifest.ENDPOINTS_BUNDLE, ContentHash.of(eds)), generation, generation));
            }
            front.flush(); // the end of the batch of records
        }
    }

    private static byte[] encode(Message m) {
        return ResourceCodec.encode(ContentHash.serialize(m));
    }

    @Test
    void aChangeReachingEveryScopeIsBuiltOnceForAllTheirStreams() throws Exception {
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        ScopeSnapshots front = new ScopeSnapshots(engine::publish, com.google.common.util.concurrent.MoreExecutors.newDirectExecutorService(),
                v -> { });
        front.goLive();
        Mesh mesh = new Mesh();
        for (int i = 0; i < 300; i++) {
            mesh.add(front, i);
        }
        List<Node> nodes = new ArrayList<>();
        List<String> scopes = new ArrayList<>();
        for (int s = 0; s < SCOPES; s++) {
            Node node = Node.newBuilder().setId("sidecar~10.0.0." + s + "~web-1.ns-" + s + "~ns-" + s + ".svc.cluster.local").build();
            nodes.add(node);
            scopes.add(NodeIdentities.of(node).scopeId());
        }
        mesh.publish(front, scopes, 1);

        List<AdsStream> streams = new ArrayList<>();
        List<Recorded> outs = new ArrayList<>();
        for (Node node : nodes) {
            for (int p = 0; p < STREAMS_PER_SCOPE; p++) {
                Recorded out = new Recorded();
                AdsStream stream = engine.open(out, null, true);
                stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).build());
                stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(out.last().getNonce()).build());
                stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS).addAllResourceNamesSubscribe(mesh.names).build());
                stream.onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS).setResponseNonce(out.last().getNonce()).build());
                streams.add(stream);
                outs.add(out);
            }
        }
        assertThat(outs).allSatisfy(o -> assertThat(o.sent).hasSize(2));

        // one service more: every scope's manifest names the new cluster and assignment
        long built = engine.responsesBuilt();
        mesh.add(front, 300);
        mesh.publish(front, scopes, 2);
        String added = mesh.names.get(300);
        assertThat(engine.responsesBuilt() - built).as("the CDS change and the (empty) EDS change: once for all %d scopes", SCOPES)
                .isLessThanOrEqualTo(2);
        // each proxy, as Envoy does, ACKs the cluster and then asks for its assignment; each answers at once
        for (int i = 0; i < streams.size(); i++) {
            DeltaDiscoveryResponse cds = outs.get(i).last();
            assertThat(cds.getResourcesList()).extracting(Resource::getName).containsExactly(added);
            streams.get(i).onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(cds.getNonce()).build());
            streams.get(i).onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS).addResourceNamesSubscribe(added).build());
            DeltaDiscoveryResponse eds = outs.get(i).last();
            assertThat(eds.getTypeUrl()).isEqualTo(EDS);
            assertThat(eds.getResourcesList()).extracting(Resource::getName).containsExactly(added);
            streams.get(i).onDeltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS).setResponseNonce(eds.getNonce()).build());
        }
        assertThat(engine.responsesBuilt() - built).as("and the new assignment once, for %d streams answering one after another",
                streams.size()).isLessThanOrEqualTo(3);
        assertThat(engine.responsesHeld()).as("nothing held for streams once all have answered").isZero();
    }
}

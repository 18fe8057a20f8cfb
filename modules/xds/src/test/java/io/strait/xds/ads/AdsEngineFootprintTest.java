package io.strait.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.XdsType;
import io.strait.xds.NodeIdentities;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a connected stream costs the engine, and what a one-cluster change costs to fan out, at the mesh size of issue
 * 14's row D (1,000 services, every proxy sees every one): 2,000 streams of one scope, each subscribed to 1,000 EDS
 * names. The engine's per-stream state must not grow with the mesh: the bound asserted is loose (the heap is measured
 * after a GC, with other tests' garbage around), the figure printed is the measurement.
 */
class AdsEngineFootprintTest {
    private static final int CLUSTERS = 1_000;
    private static final int STREAMS = 2_000;
    private static final String EDS = XdsType.EDS.typeUrl();

    private static ScopeView view(String scope, long generation, int changed) {
        List<ServedResource> resources = new ArrayList<>();
        List<ScopeManifest.NamedHash> named = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < CLUSTERS; i++) {
            String name = "outbound|80||svc-" + i + ".ns-" + (i % 50) + ".svc.cluster.local";
            Any any = Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(name)
                    .setPolicy(ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(
                            com.google.protobuf.UInt32Value.of(i == changed ? (int) generation : 140))).build());
            String hash = ContentHash.of(any.toByteArray());
            resources.add(new ServedResource(name, hash, any));
            named.add(new ScopeManifest.NamedHash(name, hash));
            parts.add(name + "=" + hash);
        }
        Map<XdsType, TypeView> types = new EnumMap<>(XdsType.class);
        types.put(XdsType.EDS, new TypeView(EDS, ContentHash.ofStrings(parts), resources));
        return new ScopeView(new ScopeManifest(1, scope, generation, Map.of(), Map.of(EDS, named), List.of(), Map.of(),
                generation, generation), types);
    }

    /** Counts what is sent and keeps only the last nonce of each stream (as a client would). */
    private static final class Counting implements AdsStream.Outbound {
        String nonce;
        String version;
        long bytes;

        @Override
        public void send(OutboundResponse response) {
            nonce = response.nonce();
            version = response.prepared().version();
            bytes += response.size();
        }

        @Override
        public void close(io.grpc.Status status) {
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aStreamCostsTheSameWhateverTheMeshSizeAndAChangeIsBuiltOnce() {
        Node node = Node.newBuilder().setId("sidecar~10.0.0.1~web-1.shop~shop.svc.cluster.local").build();
        String scope = NodeIdentities.of(node).scopeId();
        AdsEngine engine = new AdsEngine(StreamEvents.NONE, SecretAccess.NONE);
        engine.publish(view(scope, 1, -1));
        List<String> names = engine.view(scope).type(XdsType.EDS).resources().keySet().stream().toList();
        DiscoveryRequest subscribe = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(EDS).addAllResourceNames(names).build();

        long before = usedHeap();
        List<AdsStream> streams = new ArrayList<>();
        List<Counting> outs = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            Counting out = new Counting();
            AdsStream s = engine.open(out, null, false);
            s.onRequest(subscribe);
            s.onRequest(subscribe.toBuilder().setVersionInfo(out.version).setResponseNonce(out.nonce).build());
            streams.add(s);
            outs.add(out);
        }
        long after = usedHeap();
        long perStream = Math.max(0, after - before) / STREAMS;

        // one-cluster changes, each ACKed by every stream; the last fan-out is the figure (the first ones warm the JIT)
        long fanOutMicros = 0;
        long built = 0;
        for (int round = 2; round <= 6; round++) {
            ScopeView next = view(scope, round, 7);
            long builtBefore = engine.responsesBuilt();
            long t0 = System.nanoTime();
            engine.publish(next);
            fanOutMicros = (System.nanoTime() - t0) / 1_000;
            built = engine.responsesBuilt() - builtBefore;
            for (int i = 0; i < STREAMS; i++) {
                streams.get(i).onRequest(subscribe.toBuilder().setVersionInfo(outs.get(i).version)
                        .setResponseNonce(outs.get(i).nonce).build());
            }
        }
        System.out.printf("engine state per stream (%d streams of one scope, %d EDS names each): ~%d bytes; a one-cluster change "
                + "fanned out to all in %d µs (%d response built, %d held once all ACKed)%n", STREAMS, CLUSTERS, perStream, fanOutMicros,
                built, engine.responsesHeld());
        assertThat(perStream).as("bytes of engine state per stream").isLessThan(4_096);
        assertThat(built).as("one response serialized for every stream in the same state").isEqualTo(1);
        assertThat(engine.responsesHeld()).as("released once every stream was sent it").isZero();
        streams.forEach(AdsStream::closed);
    }
}

package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import io.strait.bus.wire.XdsType;
import io.strait.xds.ads.ScopeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a scope costs a front beyond the resources themselves, on issue 14's row-D mesh (every proxy sees every service):
 * 50 scopes whose manifests name the same 3,000 clusters (one bundle, as translators write it) and the same 3,000
 * assignments served by name. The figure is (heap after every scope is served − heap with only the resources and
 * assignments held) / scopes; at row D's 5 proxies per scope a fifth of it is each proxy's share. The views, the index
 * of which scopes name a cluster and the list of assignment hashes are each held once for scopes of the same content.
 */
class ScopeSnapshotsFootprintTest {
    private static final int CLUSTERS = 3_000;
    private static final int SCOPES = 50;

    /** Publishes on the calling thread. */
    private static final class Direct extends AbstractExecutorService {
        @Override public void execute(Runnable command) {
            command.run();
        }
        @Override public void shutdown() {
        }
        @Override public List<Runnable> shutdownNow() {
            return List.of();
        }
        @Override public boolean isShutdown() {
            return false;
        }
        @Override public boolean isTerminated() {
            return false;
        }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    private static byte[] encode(Message m) {
        return ResourceCodec.encode(ContentHash.serialize(m));
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aScopeOfTheSameContentAsOthersCostsItsManifestNotAnotherCopyOfTheViews() {
        Map<String, ScopeView> served = new HashMap<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(vs -> vs.forEach(v -> served.put(v.scope(), v)), new Direct(), m -> { });
        List<ScopeManifest.NamedHash> cds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CLUSTERS; i++) {
            String name = "outbound|80|" + (i % 3 == 0 ? "" : "v" + i % 3) + "|svc-" + i / 3 + ".ns-" + (i / 3 % 50) + ".svc.cluster.local";
            Cluster cluster = Cluster.newBuilder().setName(name).setAltStatName(name).setType(Cluster.DiscoveryType.EDS).build();
            String hash = ContentHash.of(ContentHash.serialize(cluster));
            snapshots.resource(hash, encode(cluster));
            cds.add(new ScopeManifest.NamedHash(name, hash));
            names.add(name);
            byte[] cla = ContentHash.serialize(ClusterLoadAssignment.newBuilder().setClusterName(name)
                    .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                            Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("10.0." + i / 250 + "." + i % 250).setPortValue(8080))))))
                    .build());
            snapshots.assignment(new EndpointAssignment(1, name, ContentHash.of(cla), ResourceCodec.encode(cla), Map.of("folder", "r1"), 1));
        }
        byte[] cdsBundle = new ResourceBundle(cds, List.of()).encode();
        byte[] edsBundle = new ResourceBundle(List.of(), names).encode();
        snapshots.resource(ContentHash.of(cdsBundle), cdsBundle);
        snapshots.resource(ContentHash.of(edsBundle), edsBundle);
        snapshots.goLive();
        snapshots.flush();

        long before = usedHeap();
        for (int s = 0; s < SCOPES; s++) {
            snapshots.manifest(new ScopeManifest(1, "ns-" + s + ".sidecar.0123456789ab", 1, Map.of("folder", "r1"), Map.of(), List.of(),
                    Map.of(XdsType.CDS.typeUrl(), ContentHash.of(cdsBundle), ScopeManifest.ENDPOINTS_BUNDLE, ContentHash.of(edsBundle)),
                    1, 1));
        }
        snapshots.flush();
        long after = usedHeap();
        assertThat(served).hasSize(SCOPES);
        assertThat(served.values()).allSatisfy(v -> assertThat(v.type(XdsType.EDS).resources()).hasSize(CLUSTERS));
        long perScope = Math.max(0, after - before) / SCOPES;
        System.out.printf("front heap per scope on row D's mesh (%d scopes of the same %,d clusters and %,d assignments by name): "
                + "%,d B (%d distinct type views)%n", SCOPES, CLUSTERS, CLUSTERS, perScope, snapshots.typeViewsHeld());
        assertThat(snapshots.typeViewsHeld()).as("one view per type for all the scopes").isEqualTo(4);
        assertThat(perScope).as("bytes per scope beyond the shared resources (loose: other tests' garbage)").isLessThan(64 * 1024);
    }
}

package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a front assembles what it serves a scope: a manifest whose long lists come in bundles and whose assignments
 * are served by cluster name is held until every part has arrived, then expanded; a new assignment re-serves it.
 */
class ScopeSnapshotsTest {
    private static final String SCOPE = "shop.sidecar.0123456789ab";

    /** Runs fan-out work on the calling thread, so the test sees its effect at once. */
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

    private static EndpointAssignment assignment(String cluster, int endpoints, long revisionAt) {
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
        for (int i = 0; i < endpoints; i++) {
            cla.addEndpoints(LocalityLbEndpoints.newBuilder());
        }
        byte[] bytes = ContentHash.serialize(cla.build());
        return new EndpointAssignment(1, cluster, ContentHash.of(bytes), ResourceCodec.encode(bytes),
                Map.of("folder", "r" + revisionAt), revisionAt);
    }

    private static int endpoints(io.strait.xds.ads.ScopeView view, String cluster) throws Exception {
        return view.type(XdsType.EDS).resources().get(cluster).any().unpack(ClusterLoadAssignment.class).getEndpointsCount();
    }

    @Test
    void aManifestIsServedOnceItsBundlesResourcesAndAssignmentsHaveArrived() throws Exception {
        Map<String, io.strait.xds.ads.ScopeView> cache = new java.util.HashMap<>();
        List<ScopeManifest> served = new ArrayList<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(vs -> vs.forEach(v -> cache.put(v.scope(), v)), new Direct(), v -> served.add(v.manifest()));

        Map<String, byte[]> clusters = new LinkedHashMap<>();
        List<ScopeManifest.NamedHash> cds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "outbound|80||svc-" + i + ".shop.svc.cluster.local";
            byte[] value = encode(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build());
            String hash = ContentHash.of(ContentHash.serialize(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build()));
            clusters.put(hash, value);
            cds.add(new ScopeManifest.NamedHash(name, hash));
            names.add(name);
        }
        byte[] cdsBundle = new ResourceBundle(cds, List.of()).encode();
        byte[] edsBundle = new ResourceBundle(List.of(), names).encode();
        ScopeManifest onBus = new ScopeManifest(1, SCOPE, 1, Map.of("folder", "r1"), Map.of(), List.of(),
                Map.of(XdsType.CDS.typeUrl(), ContentHash.of(cdsBundle), ScopeManifest.ENDPOINTS_BUNDLE, ContentHash.of(edsBundle)),
                1, 1);

        snapshots.manifest(onBus);
        snapshots.goLive();
        assertThat(served).as("nothing of it has arrived").isEmpty();
        snapshots.resource(ContentHash.of(cdsBundle), cdsBundle);
        snapshots.resource(ContentHash.of(edsBundle), edsBundle);
        clusters.forEach(snapshots::resource);
        snapshots.flush();
        assertThat(served).as("its assignments have not arrived").isEmpty();
        names.forEach(n -> snapshots.assignment(assignment(n, 1, 1)));
        snapshots.flush();

        assertThat(served).hasSize(1);
        ScopeManifest live = snapshots.applied(SCOPE);
        assertThat(live.resources().get(XdsType.CDS.typeUrl())).hasSize(20);
        assertThat(live.resources().get(XdsType.EDS.typeUrl())).hasSize(20);
        assertThat(cache.get(SCOPE).type(XdsType.CDS).resources()).hasSize(20);
        assertThat(cache.get(SCOPE).type(XdsType.EDS).resources()).hasSize(20);
        var cdsView = cache.get(SCOPE).type(XdsType.CDS);
        String eds = ScopeSnapshots.version(live, XdsType.EDS);

        // one endpoint change: one assignment by name re-serves the scope, from the revision that made it
        snapshots.assignment(assignment(names.get(3), 2, 5));
        snapshots.assignment(assignment(names.get(4), 9, 0)); // older than what the front holds: ignored
        snapshots.flush();
        assertThat(served).hasSize(2);
        live = snapshots.applied(SCOPE);
        assertThat(ScopeSnapshots.version(live, XdsType.EDS)).isNotEqualTo(eds);
        assertThat(ScopeSnapshots.version(live, XdsType.CDS)).isEqualTo(ScopeSnapshots.version(served.get(0), XdsType.CDS));
        assertThat(live.revisions()).containsEntry("folder", "r5");
        assertThat(endpoints(cache.get(SCOPE), names.get(3))).isEqualTo(2);
        assertThat(endpoints(cache.get(SCOPE), names.get(4))).isEqualTo(1);
        assertThat(cache.get(SCOPE).type(XdsType.CDS)).as("clusters did not move: the same view, shared").isSameAs(cdsView);
    }

    @Test
    void whatNoManifestHasNamedForTheGracePeriodIsForgotten() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        Map<String, io.strait.xds.ads.ScopeView> cache = new java.util.HashMap<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(vs -> vs.forEach(v -> cache.put(v.scope(), v)), new Direct(), m -> { },
                java.time.Duration.ofSeconds(60), now::get);
        Cluster a = Cluster.newBuilder().setName("a").build();
        Cluster b = Cluster.newBuilder().setName("b").build();
        String ha = ContentHash.of(ContentHash.serialize(a));
        String hb = ContentHash.of(ContentHash.serialize(b));
        snapshots.resource(ha, encode(a));
        snapshots.resource(hb, encode(b)); // written ahead of the manifest that will name it
        snapshots.assignment(assignment("gone", 1, 1));
        snapshots.manifest(new ScopeManifest(1, SCOPE, 1, Map.of(), Map.of(XdsType.CDS.typeUrl(),
                List.of(new ScopeManifest.NamedHash("a", ha))), List.of(), Map.of(), 1, 1));
        snapshots.goLive();
        assertThat(snapshots.held()).isEqualTo(2);

        now.addAndGet(java.time.Duration.ofSeconds(11).toNanos());
        snapshots.flush(); // b and the assignment nobody names: their grace starts
        snapshots.manifest(new ScopeManifest(1, SCOPE, 2, Map.of(), Map.of(XdsType.CDS.typeUrl(),
                List.of(new ScopeManifest.NamedHash("b", hb))), List.of(), Map.of(), 2, 2));
        now.addAndGet(java.time.Duration.ofSeconds(30).toNanos());
        snapshots.flush(); // a is no longer named: its grace starts; b is named now
        assertThat(snapshots.held()).isEqualTo(2);
        now.addAndGet(java.time.Duration.ofSeconds(61).toNanos());
        snapshots.flush();
        assertThat(snapshots.held()).as("a forgotten, b kept").isEqualTo(1);
        assertThat(cache.get(SCOPE).type(XdsType.CDS).resources()).containsOnlyKeys("b");
        // a manifest naming a again waits until a translator writes it again, then is served
        snapshots.manifest(new ScopeManifest(1, SCOPE, 3, Map.of(), Map.of(XdsType.CDS.typeUrl(),
                List.of(new ScopeManifest.NamedHash("a", ha))), List.of(), Map.of(), 3, 3));
        assertThat(snapshots.applied(SCOPE).generation()).isEqualTo(2);
        snapshots.resource(ha, encode(a));
        snapshots.flush(); // the end of the batch that brought it
        assertThat(snapshots.applied(SCOPE).generation()).isEqualTo(3);
    }

    @Test
    void aTombstoneForgetsAtOnceWhatNoManifestNamesAndKeepsWhatOneStillNames() {
        Map<String, io.strait.xds.ads.ScopeView> cache = new java.util.HashMap<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(vs -> vs.forEach(v -> cache.put(v.scope(), v)), new Direct(), m -> { });
        Cluster a = Cluster.newBuilder().setName("a").build();
        Cluster old = Cluster.newBuilder().setName("old").build();
        String ha = ContentHash.of(ContentHash.serialize(a));
        String hold = ContentHash.of(ContentHash.serialize(old));
        snapshots.resource(ha, encode(a));
        snapshots.resource(hold, encode(old)); // history: no manifest names it
        snapshots.assignment(assignment("outbound|80||served", 1, 1));
        snapshots.assignment(assignment("outbound|80||unnamed", 1, 1));
        snapshots.manifest(new ScopeManifest(1, SCOPE, 1, Map.of(), Map.of(XdsType.CDS.typeUrl(),
                List.of(new ScopeManifest.NamedHash("a", ha))), List.of("outbound|80||served"), Map.of(), 1, 1));
        // tombstones read while catching up are applied when the front goes live
        snapshots.resourceGone(hold);
        snapshots.assignmentGone("outbound|80||unnamed");
        snapshots.flush();
        snapshots.goLive();
        assertThat(snapshots.held()).as("the tombstoned history is forgotten").isEqualTo(1);

        // the janitor lost a race: a tombstone for what the live manifest names; the front keeps it and goes on serving
        snapshots.resourceGone(ha);
        snapshots.assignmentGone("outbound|80||served");
        snapshots.flush();
        assertThat(snapshots.held()).isEqualTo(1);
        assertThat(cache.get(SCOPE).type(XdsType.CDS).resources()).containsOnlyKeys("a");

        // a resource written again after its tombstone in the same batch stays
        snapshots.resource(hold, encode(old));
        snapshots.resourceGone(hold);
        snapshots.resource(hold, encode(old));
        snapshots.flush();
        assertThat(snapshots.held()).isEqualTo(2);
    }

    @Test
    void scopesServingTheSameContentShareOneViewOfItUntilOneMovesOn() {
        Map<String, io.strait.xds.ads.ScopeView> cache = new java.util.HashMap<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(vs -> vs.forEach(v -> cache.put(v.scope(), v)), new Direct(), m -> { });
        Cluster a = Cluster.newBuilder().setName("a").build();
        Cluster b = Cluster.newBuilder().setName("b").build();
        String ha = ContentHash.of(ContentHash.serialize(a));
        String hb = ContentHash.of(ContentHash.serialize(b));
        snapshots.resource(ha, encode(a));
        snapshots.resource(hb, encode(b));
        String other = "web.sidecar.ba9876543210";
        List<ScopeManifest.NamedHash> one = List.of(new ScopeManifest.NamedHash("a", ha));
        List<ScopeManifest.NamedHash> two = List.of(new ScopeManifest.NamedHash("a", ha), new ScopeManifest.NamedHash("b", hb));
        for (String scope : List.of(SCOPE, other)) {
            snapshots.manifest(new ScopeManifest(1, scope, 1, Map.of(), Map.of(XdsType.CDS.typeUrl(), one), List.of(), Map.of(), 1, 1));
        }
        snapshots.goLive();
        assertThat(cache.get(other).type(XdsType.CDS)).as("the same clusters: one view").isSameAs(cache.get(SCOPE).type(XdsType.CDS));
        assertThat(snapshots.typeViewsHeld()).as("clusters, and the empty views of the other three types").isEqualTo(4);

        snapshots.manifest(new ScopeManifest(1, SCOPE, 2, Map.of(), Map.of(XdsType.CDS.typeUrl(), two), List.of(), Map.of(), 2, 2));
        snapshots.flush(); // the end of the batch: its views are published
        assertThat(cache.get(SCOPE).type(XdsType.CDS).resources()).containsOnlyKeys("a", "b");
        assertThat(cache.get(other).type(XdsType.CDS).resources()).containsOnlyKeys("a");
        assertThat(snapshots.typeViewsHeld()).isEqualTo(5);
        snapshots.manifest(new ScopeManifest(1, other, 2, Map.of(), Map.of(XdsType.CDS.typeUrl(), two), List.of(), Map.of(), 2, 2));
        snapshots.flush();
        assertThat(cache.get(other).type(XdsType.CDS)).isSameAs(cache.get(SCOPE).type(XdsType.CDS));
        assertThat(snapshots.typeViewsHeld()).as("the view no scope serves is forgotten").isEqualTo(4);
    }
}

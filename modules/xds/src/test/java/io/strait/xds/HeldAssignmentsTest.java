package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which scopes name a cluster served by name, with scopes grouped by the list of clusters they name, and the served
 * list of hashes shared by a group until one of its assignments changes.
 */
class HeldAssignmentsTest {

    private static EndpointAssignment assignment(String cluster, int endpoints, long revisionAt) {
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
        for (int i = 0; i < endpoints; i++) {
            cla.addEndpoints(LocalityLbEndpoints.newBuilder());
        }
        byte[] bytes = ContentHash.serialize(cla.build());
        return new EndpointAssignment(1, cluster, ContentHash.of(bytes), ResourceCodec.encode(bytes), Map.of("folder", "r" + revisionAt),
                revisionAt);
    }

    private static ScopeManifest naming(String scope, String... clusters) {
        // a list of its own each time, as manifests decoded apart would have
        return new ScopeManifest(1, scope, 1, Map.of(), Map.of(), new ArrayList<>(List.of(clusters)), Map.of(), 1, 1);
    }

    @Test
    void scopesNamingTheSameClustersAreOneGroupAndEachClusterKnowsItsScopes() {
        HeldAssignments held = new HeldAssignments();
        for (String c : List.of("c1", "c2", "c3")) {
            held.offer(assignment(c, 1, 1));
        }
        ScopeManifest a = naming("a", "c1", "c2");
        ScopeManifest b = naming("b", "c2", "c3");
        ScopeManifest c = naming("c", "c1", "c2");
        held.live("a", null, a);
        held.live("b", null, b);
        held.live("c", null, c);
        assertThat(held.scopesNaming("c1")).containsExactlyInAnyOrder("a", "c");
        assertThat(held.scopesNaming("c2")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(held.scopesNaming("c3")).containsExactly("b");
        assertThat(held.served(a.endpoints())).as("one served list for the group").isSameAs(held.served(c.endpoints()));

        ScopeManifest aMoved = naming("a", "c2", "c3");
        held.live("a", a, aMoved);
        assertThat(held.scopesNaming("c1")).containsExactly("c");
        assertThat(held.scopesNaming("c3")).containsExactlyInAnyOrder("a", "b");
        held.live("c", c, naming("c"));
        assertThat(held.scopesNaming("c1")).as("its only group is gone").isEmpty();
        assertThat(held.scopesNaming("c2")).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aNewAssignmentIsServedAndTheNewestRevisionWins() {
        HeldAssignments held = new HeldAssignments();
        held.offer(assignment("c1", 1, 1));
        held.offer(assignment("c2", 1, 2));
        ScopeManifest a = naming("a", "c1", "c2");
        held.live("a", null, a);
        HeldAssignments.Served first = held.served(a.endpoints());
        assertThat(first.newest().revisionAt()).isEqualTo(2);
        assertThat(held.served(a.endpoints())).isSameAs(first);

        EndpointAssignment moved = assignment("c1", 3, 5);
        held.offer(moved);
        HeldAssignments.Served second = held.served(a.endpoints());
        assertThat(second.entries()).extracting(ScopeManifest.NamedHash::hash).containsExactly(moved.hash(), first.entries().get(1).hash());
        assertThat(second.newest().revisions()).containsEntry("folder", "r5");
    }
}

package io.strait.translate.pilot;

import static io.strait.translate.pilot.NamespaceSharingConformanceTest.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.strait.model.mesh.DestinationRules;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.xds.XdsResources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which DestinationRule a proxy gets for a host, as Istio resolves it ({@link DestinationRules}), and what that does to
 * its clusters and assignments: wildcard hosts, the proxy's namespace before the service's before the root's,
 * {@code exportTo}, rules of one host merged, {@code workloadSelector}. An assignment whose subset labels are one
 * namespace's own is named for that rule, and what the translator serves by that name is what the scope got.
 */
class DestinationRuleResolutionTest {
    private static final String MESH = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: pay, namespace: apps}
            spec:
              hosts: [pay.example.com]
              ports: [{number: 8080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints:
              - {address: 10.0.0.1, labels: {version: v1}}
              - {address: 10.0.0.2, labels: {version: v2}}
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: apps}
            spec:
              hosts: [reviews.apps.svc.cluster.local]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.1.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ratings, namespace: other}
            spec:
              hosts: [ratings.other.svc.cluster.local]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.2.1}]
            ---
            # the mesh-wide default of Istio's docs, by wildcard from the root namespace
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: default, namespace: istio-system}
            spec:
              host: "*.local"
              trafficPolicy: {outlierDetection: {consecutive5xxErrors: 7}}
            ---
            # the service namespace's wildcard wins over the root's for its services
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: apps-default, namespace: apps}
            spec:
              host: "*.apps.svc.cluster.local"
              trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
            ---
            # two rules of one host in one namespace: merged (subsets added, the first top-level policy kept)
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: pay-a, namespace: apps}
            spec:
              host: pay.example.com
              subsets: [{name: v1, labels: {version: v1}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: pay-b, namespace: apps}
            spec:
              host: pay.example.com
              trafficPolicy: {loadBalancer: {simple: RANDOM}}
              subsets: [{name: v1, labels: {version: ignored}}, {name: v2, labels: {version: v2}}]
            ---
            # a caller namespace's own rule for another namespace's service, for its proxies only
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: pay-local, namespace: callers}
            spec:
              host: pay.example.com
              exportTo: ["."]
              trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
              subsets: [{name: v1, labels: {version: v2}}]
            ---
            # a rule for the selected workloads of its namespace only
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: pay-special, namespace: special}
            spec:
              host: pay.example.com
              workloadSelector: {matchLabels: {app: special}}
              trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
            """;

    private final ScopeTranslator translator = new ScopeTranslator();
    private final MeshModel model = GoldenFilesTest.model(Map.of("mesh.yaml", MESH));

    @Test
    void theProxysNamespaceThenTheServicesThenTheRootsAndTheMostSpecificHostWithin() {
        DestinationRules.View plain = model.destinationRulesFor("plain", Map.of());
        assertThat(id(plain, "reviews.apps.svc.cluster.local")).contains("apps/apps-default");
        assertThat(id(plain, "ratings.other.svc.cluster.local")).contains("istio-system/default");
        assertThat(id(plain, "pay.example.com")).contains("apps/pay-a");
        assertThat(id(model.destinationRulesFor("callers", Map.of()), "pay.example.com")).contains("callers/pay-local");
        // the selecting rule for the selected workload; its namespace's others fall through to the service's rule
        assertThat(id(model.destinationRulesFor("special", Map.of("app", "special")), "pay.example.com")).contains("special/pay-special");
        assertThat(id(model.destinationRulesFor("special", Map.of("app", "else")), "pay.example.com")).isEmpty();
        // namespaces that resolve every host alike share one view: what is built from it is built once
        assertThat(model.destinationRulesFor("plain", Map.of())).isSameAs(model.destinationRulesFor("apps", Map.of()))
                .isSameAs(model.destinationRules().shared());
        assertThat(model.destinationRulesFor("callers", Map.of())).isNotSameAs(plain);
    }

    @Test
    void aNamespaceWhoseRulesAreAboutItsOwnServicesAndExportedEverywhereSharesTheMeshsView() {
        MeshModel own = GoldenFilesTest.model(Map.of("mesh.yaml", MESH + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: other}
                spec:
                  host: ratings
                  subsets: [{name: v1, labels: {version: v1}}]
                ---
                # a rule for another namespace's service, exported everywhere: its own namespace reads it first
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: borrower}
                spec:
                  host: reviews.apps.svc.cluster.local
                  trafficPolicy: {loadBalancer: {simple: RANDOM}}
                """));
        DestinationRules.View shared = own.destinationRules().shared();
        assertThat(own.destinationRulesFor("other", Map.of())).isSameAs(shared);
        assertThat(id(shared, "ratings.other.svc.cluster.local")).contains("other/ratings");
        assertThat(id(own.destinationRulesFor("borrower", Map.of()), "reviews.apps.svc.cluster.local")).contains("borrower/reviews");
        assertThat(id(own.destinationRulesFor("plain", Map.of()), "reviews.apps.svc.cluster.local")).contains("apps/apps-default");
        assertThat(own.destinationRulesFor("borrower", Map.of())).isNotSameAs(shared);
    }

    @Test
    void wildcardRulesReachTheClustersOfEveryProxy() {
        XdsResources plain = translator.translate(model, proxy(ProxyType.SIDECAR, "plain", Map.of()));
        assertThat(cluster(plain, "outbound|9080||reviews.apps.svc.cluster.local").getOutlierDetection()
                .getConsecutive5Xx().getValue()).isEqualTo(3);
        assertThat(cluster(plain, "outbound|9080||ratings.other.svc.cluster.local").getOutlierDetection()
                .getConsecutive5Xx().getValue()).isEqualTo(7);
        assertThat(cluster(plain, "outbound|8080||pay.example.com").hasOutlierDetection()).isFalse();
    }

    @Test
    void rulesOfOneHostInOneNamespaceAreMerged() {
        XdsResources plain = translator.translate(model, proxy(ProxyType.SIDECAR, "plain", Map.of()));
        assertThat(cluster(plain, "outbound|8080|v2|pay.example.com").getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
        assertThat(addresses(assignment(plain, "outbound|8080|v1|pay.example.com"))).containsExactly("10.0.0.1");
        assertThat(addresses(assignment(plain, "outbound|8080|v2|pay.example.com"))).containsExactly("10.0.0.2");
    }

    @Test
    void aNamespacesOwnRuleGivesItsProxiesTheirSubsetUnderAnAssignmentNamedForTheRule() {
        ProxyIdentity caller = proxy(ProxyType.SIDECAR, "callers", Map.of());
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.GRPC, "callers")).isTrue();
        XdsResources resources = translator.translate(model, caller);
        Cluster v1 = cluster(resources, "outbound|8080|v1|pay.example.com");
        assertThat(v1.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
        String served = v1.getEdsClusterConfig().getServiceName();
        assertThat(served).isEqualTo("outbound|8080|v1|pay.example.com~~callers/pay-local");
        ClusterLoadAssignment own = assignment(resources, served);
        assertThat(addresses(own)).containsExactly("10.0.0.2");
        // what the translator serves by that name (an endpoint-only revision) is what the scope got
        assertThat(ScopeTranslator.assignment(model, served)).isEqualTo(own);
        // every other namespace keeps the cluster's own name and the service namespace's subset
        XdsResources plain = translator.translate(model, proxy(ProxyType.SIDECAR, "plain", Map.of()));
        assertThat(cluster(plain, "outbound|8080|v1|pay.example.com").getEdsClusterConfig().getServiceName())
                .isEqualTo("outbound|8080|v1|pay.example.com");
        assertThat(ScopeTranslator.assignment(model, "outbound|8080|v1|pay.example.com"))
                .isEqualTo(assignment(plain, "outbound|8080|v1|pay.example.com"));
        // exportTo ".": the rule reaches no other namespace's proxies
        assertThat(cluster(plain, "outbound|8080||pay.example.com").getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    }

    @Test
    void aSelectingRuleIsTheSelectedWorkloadsAlone() {
        ProxyIdentity picked = proxy(ProxyType.SIDECAR, "special", Map.of("app", "special"));
        ProxyIdentity other = proxy(ProxyType.SIDECAR, "special", Map.of("app", "else"));
        assertThat(ScopeTranslator.inputsOf(model, picked)).isNotEqualTo(ScopeTranslator.inputsOf(model, other));
        assertThat(cluster(translator.translate(model, picked), "outbound|8080||pay.example.com").getLbPolicy())
                .isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
        // the workload it does not pick: its namespace had a rule for the host, so (as in Istio) none applies
        XdsResources unpicked = translator.translate(model, other);
        assertThat(cluster(unpicked, "outbound|8080||pay.example.com").getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
        assertThat(unpicked.clusters()).extracting(Cluster::getName).doesNotContain("outbound|8080|v1|pay.example.com");
        assertThat(cluster(unpicked, "outbound|8080||pay.example.com").getEdsClusterConfig().getServiceName())
                .isEqualTo("outbound|8080||pay.example.com~~none");
    }

    private static Optional<String> id(DestinationRules.View view, String host) {
        return view.forHost(host).map(DestinationRules.Resolved::id);
    }

    private static Cluster cluster(XdsResources resources, String name) {
        return resources.clusters().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + name));
    }

    private static ClusterLoadAssignment assignment(XdsResources resources, String name) {
        return resources.endpoints().stream().filter(c -> c.getClusterName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no assignment " + name + " among "
                        + resources.endpoints().stream().map(ClusterLoadAssignment::getClusterName).toList()));
    }

    private static List<String> addresses(ClusterLoadAssignment cla) {
        return cla.getEndpointsList().stream().flatMap(l -> l.getLbEndpointsList().stream())
                .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress()).toList();
    }
}

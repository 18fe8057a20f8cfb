package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.bus.envelope.RegistryStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.ingest.kubernetes.IstioObjects;
import io.strait.ingest.kubernetes.KubernetesClusterOptions;
import io.strait.ingest.kubernetes.MockCluster;
import io.strait.model.finding.Finding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's proof with the real Kubernetes source: two fabric8 mock API servers in CRUD mode are clusters
 * {@code cluster-1} (also the config cluster, {@code config=true}) and {@code cluster-2}, read by a node of every role
 * through kubeconfig files; routing comes once, from git. The pods' IPs in the EndpointSlices are real gRPC backends
 * on loopback addresses (one port, as a Deployment's pods share one), called by real proxyless gRPC clients. Each step
 * is asserted on the RPCs the backends answered.
 */
class KubernetesMultiClusterTrafficTest {
    private static final String NS = "bookinfo";
    private static final String REVIEWS = "reviews." + NS + ".svc.cluster.local";
    private static final String RATINGS = "ratings." + NS + ".svc.cluster.local";
    private static final String EU = "eu-west/eu-west-1a";
    private static final String CONFIG_SOURCE = "kubernetes:cluster-1";

    /** From git, for every cluster: subsets by a pod label (version) and by the cluster an endpoint is in. */
    private static final String ROUTES = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - match: [{headers: {x-cluster: {exact: one}}}]
                route: [{destination: {host: reviews, subset: cluster-1}}]
              - route: [{destination: {host: reviews}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
              - {name: cluster-1, labels: {topology.istio.io/cluster: cluster-1}}
            """;

    @Test
    void twoClustersServeOneServiceAndConfigFromGitAndTheConfigClusterApplies(@TempDir Path tmp) throws Exception {
        int port = EmbeddedKafka.freePort(); // every pod's targetPort, each pod on its own loopback address
        try (MockCluster one = new MockCluster().start();
             MockCluster two = new MockCluster().start();
             GitRemote git = new GitRemote(tmp.resolve("git"));
             io.strait.cli.demo.Backends backends = new io.strait.cli.demo.Backends()) {
            one.installIstioCrds();
            cluster(one, "eu-west", "eu-west-1a", port, "127.0.0.1", "v1", "127.0.0.3");
            cluster(two, "us-east", "us-east-1a", port, "127.0.0.2", "v2", "127.0.0.4");
            backends.start("127.0.0.1", port, "reviews-c1");
            backends.start("127.0.0.2", port, "reviews-c2");
            backends.start("127.0.0.3", port, "ratings-c1");
            backends.start("127.0.0.4", port, "ratings-c2");
            git.repo.push("reviews: subsets by version and by cluster", Map.of("reviews.yaml", ROUTES));
            List<KubernetesClusterOptions> clusters = List.of(
                    KubernetesClusterOptions.parse("kubeconfig=" + one.kubeconfig(tmp, "cluster-1") + ",cluster=cluster-1,config=true", false),
                    KubernetesClusterOptions.parse("kubeconfig=" + two.kubeconfig(tmp, "cluster-2") + ",cluster=cluster-2", false));
            try (StraitNode node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"), null,
                    "127.0.0.1", EmbeddedKafka.freePort(), 0, "front-k8s", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)
                    .withGitSources(List.of(git.source())).withKubernetesSources(clusters)).start();
                 ProxylessClient reviews = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-1", NS,
                         Map.of("app", "web")).withLocality(EU), REVIEWS + ":9080");
                 ProxylessClient ratings = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-2", NS,
                         Map.of("app", "web")).withLocality(EU), RATINGS + ":9080")) {
                // one Service, endpoints in both clusters: served from both, about half each
                await().atMost(Duration.ofSeconds(40)).ignoreExceptions()
                        .until(() -> Traffic.count(reviews, Map.of(), 20).keySet().equals(Set.of("reviews-c1", "reviews-c2")));
                Traffic.assertSplit(reviews, Map.of("reviews-c1", 50, "reviews-c2", 50), 500, 10);

                // the VirtualService from git routes across both clusters as written: by pod label, by cluster label
                Traffic.assertAll(reviews, Map.of("end-user", "jason"), "reviews-c2", 20);
                Traffic.assertAll(reviews, Map.of("x-cluster", "one"), "reviews-c1", 20);

                // cluster-1's EndpointSlice goes: within 2 s of the delete every call is served by cluster-2, an
                // assignment by name (no scope manifest rewritten)
                Map<org.apache.kafka.common.TopicPartition, Long> scopesAt = MultiClusterRegistryTrafficTest.ends(node, Topics.XDS_SCOPES);
                one.client().discovery().v1().endpointSlices().inNamespace(NS).withName("reviews-1").delete();
                long deleted = System.nanoTime();
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> Traffic.count(reviews, Map.of(), 10).equals(Map.of("reviews-c2", 10)));
                System.out.printf("cluster-1 EndpointSlice deleted -> all calls to cluster-2 after %d ms%n",
                        (System.nanoTime() - deleted) / 1_000_000);
                assertThat(Traffic.count(reviews, Map.of(), 40)).isEqualTo(Map.of("reviews-c2", 40));
                assertThat(MultiClusterRegistryTrafficTest.ends(node, Topics.XDS_SCOPES)).isEqualTo(scopesAt);

                // ratings before the config cluster says anything about it: both clusters
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> Traffic.count(ratings, Map.of(), 20).keySet().equals(Set.of("ratings-c1", "ratings-c2")));
                String liveBefore = configStatus(node) == null || configStatus(node).live() == null ? null : configStatus(node).live().revision();

                // a DestinationRule created in the config cluster (fabric8 client, a CRD object): locality failover,
                // so the eu-west caller keeps to cluster-1 while it has endpoints
                one.client().genericKubernetesResources(kind("DestinationRule")).inNamespace(NS).resource(istio("DestinationRule", "ratings",
                        Map.of("host", "ratings", "trafficPolicy", Map.of("loadBalancer", Map.of("localityLbSetting",
                                Map.of("failover", List.of(Map.of("from", "eu-west", "to", "us-east")))))))).create();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> Traffic.count(ratings, Map.of(), 20).equals(Map.of("ratings-c1", 20)));
                RevisionStatus accepted = configStatus(node);
                assertThat(accepted.live().revision()).isNotEqualTo(liveBefore);
                assertThat(accepted.live().resources()).isEqualTo(1);

                // an invalid object in the config cluster: rejected by its namespace/name and field, traffic stays
                one.client().genericKubernetesResources(kind("VirtualService")).inNamespace(NS).resource(istio("VirtualService", "broken",
                        Map.of("hosts", List.of("ratings"), "htp", List.of(), "http", List.of(Map.of("timeout", 5,
                                "route", List.of(Map.of("destination", Map.of("host", "ratings"))))))))
                        .create();
                RevisionStatus rejected = await().atMost(Duration.ofSeconds(20)).until(() -> configStatus(node),
                        s -> s != null && s.lastRejected() != null);
                List<String> errors = rejected.lastRejected().findings().stream().filter(Finding::isError).map(Finding::describe).toList();
                System.out.println("invalid CRD object rejected: " + errors);
                assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).contains("VirtualService/bookinfo/broken"));
                assertThat(String.join("\n", errors)).contains("htp").contains("timeout");
                assertThat(rejected.live().revision()).as("the last good revision stays live").isEqualTo(accepted.live().revision());
                assertThat(Traffic.count(ratings, Map.of(), 20)).isEqualTo(Map.of("ratings-c1", 20));
                Traffic.assertAll(reviews, Map.of("end-user", "jason"), "reviews-c2", 20);

                // cluster-2's API server becomes unreachable: its endpoints stay, marked STALE
                two.stop();
                long stopped = System.currentTimeMillis();
                await().atMost(Duration.ofSeconds(20)).until(() -> registry(node, "cluster-2"),
                        r -> r != null && !r.connected() && r.staleSince() >= stopped - 1_000);
                String table = BusProbe.cli("status", "--admin-port", String.valueOf(node.adminPort()));
                System.out.println(table);
                assertThat(table.lines().filter(l -> l.contains("cluster-2")).toList())
                        .anySatisfy(l -> assertThat(l).contains("STALE"));
                assertThat(registry(node, "cluster-2").error()).contains("unreachable");
                assertThat(registry(node, "cluster-1").connected()).isTrue();
                assertThat(Traffic.count(reviews, Map.of(), 40)).isEqualTo(Map.of("reviews-c2", 40));
                Traffic.assertAll(reviews, Map.of("end-user", "jason"), "reviews-c2", 20);
            }
        }
    }

    /** A cluster's objects: a node in {@code region}, reviews and ratings Services, one pod and one slice each. */
    private static void cluster(MockCluster k, String region, String zone, int port, String reviewsIp, String version, String ratingsIp) {
        k.namespace(NS, Map.of());
        k.node("node-" + region, region, zone);
        // one service account per Service in every cluster (MockCluster.pod names it after the pod, less its last part),
        // as a Deployment applied to each cluster has it: an endpoint leaving a cluster is then no identity change
        Pod reviews = MockCluster.pod(NS, "reviews-" + version, reviewsIp, "node-" + region, Map.of("app", "reviews", "version", version));
        Pod ratings = MockCluster.pod(NS, "ratings-v1", ratingsIp, "node-" + region, Map.of("app", "ratings", "version", "v1"));
        k.client().pods().resource(reviews).create();
        k.client().pods().resource(ratings).create();
        k.client().services().resource(grpcService("reviews", "10.96.0.10", port)).create();
        k.client().services().resource(grpcService("ratings", "10.96.0.11", port)).create();
        k.client().discovery().v1().endpointSlices().resource(slice("reviews", "reviews-1", port, reviews)).create();
        k.client().discovery().v1().endpointSlices().resource(slice("ratings", "ratings-1", port, ratings)).create();
    }

    /** A Service whose port 9080 is gRPC by its name's prefix, to the pods' {@code targetPort}. */
    private static Service grpcService(String name, String clusterIp, int targetPort) {
        return new ServiceBuilder().withNewMetadata().withNamespace(NS).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).withSelector(Map.of("app", name))
                .addNewPort().withName("grpc").withPort(9080).withNewTargetPort(targetPort).endPort().endSpec().build();
    }

    /** An EndpointSlice of the Service with a ready endpoint per pod, on the pods' port. */
    static EndpointSlice slice(String service, String name, int port, Pod... pods) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(NS).withName(name)
                .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("grpc").withPort(port).endPort();
        for (Pod p : pods) {
            b.addNewEndpoint().withAddresses(p.getStatus().getPodIP()).withNodeName(p.getSpec().getNodeName())
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .withNewTargetRef().withKind("Pod").withNamespace(NS).withName(p.getMetadata().getName()).endTargetRef()
                    .endEndpoint();
        }
        return b.build();
    }

    static ResourceDefinitionContext kind(String kind) {
        return IstioObjects.kinds().stream().filter(k -> k.getKind().equals(kind)).findFirst().orElseThrow();
    }

    private static GenericKubernetesResource istio(String kind, String name, Map<String, Object> spec) {
        ResourceDefinitionContext k = kind(kind);
        return new GenericKubernetesResourceBuilder().withApiVersion(k.getGroup() + "/" + k.getVersion()).withKind(kind)
                .withNewMetadata().withNamespace(NS).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
    }

    private static RevisionStatus configStatus(StraitNode node) {
        return BusProbe.status(node.bus()).sources().stream().filter(s -> s.source().equals(CONFIG_SOURCE)).findFirst().orElse(null);
    }

    private static RegistryStatus registry(StraitNode node, String cluster) {
        return BusProbe.status(node.bus()).registries().stream().filter(r -> r.cluster().equals(cluster)).findFirst().orElse(null);
    }
}

package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A cluster for the tests: fabric8's mock API server in CRUD mode (list, watch over WebSocket), which can be
 * stopped and started again on the same port with the same objects, and the kubeconfig that points at it. Public
 * (ingest's test-jar) so the integration tests run their clusters with it too.
 */
public final class MockCluster implements AutoCloseable {
    /** The mock logs every request at INFO through java.util.logging; held so the setting is not collected. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        QUIET.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;
    private int port;

    public MockCluster start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        if (port == 0) {
            server.init();
            port = server.getPort();
        } else {
            server.init(InetAddress.getLoopbackAddress(), port);
        }
        client = server.createClient();
        return this;
    }

    /** Stops the API server (watches close, connections are refused); the objects are kept for {@link #start}. */
    public void stop() {
        client.close();
        server.destroy();
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    /** A kubeconfig file that points at this server. */
    public Path kubeconfig(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "http://localhost:%d"}
                contexts:
                - name: mock
                  context: {cluster: mock, user: tester, namespace: default}
                current-context: mock
                users:
                - name: tester
                  user: {token: secret-token}
                """.formatted(port));
        return file;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            // already stopped
        }
    }

    // ---- objects the tests create

    /** Istio's CRDs as a cluster would have them: minimal schemas, every kind Strait reads as config. */
    public void installIstioCrds() {
        for (ResourceDefinitionContext kind : IstioObjects.kinds()) {
            client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(kind.getPlural() + "." + kind.getGroup()).endMetadata()
                    .withNewSpec().withGroup(kind.getGroup()).withScope("Namespaced")
                    .withNewNames().withKind(kind.getKind()).withPlural(kind.getPlural()).endNames()
                    .addNewVersion().withName(kind.getVersion()).withServed(true).withStorage(true)
                    .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                    .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
        }
    }

    public void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
    }

    public void node(String name, String region, String zone) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of(RegistryBuilder.REGION_LABEL, region, RegistryBuilder.ZONE_LABEL, zone)).endMetadata().build()).create();
    }

    public static Pod pod(String ns, String name, String ip, String node, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withServiceAccountName(name.replaceAll("-[^-]*$", "")).withNodeName(node).endSpec()
                .withNewStatus().withPodIP(ip).endStatus().build();
    }

    public static Service service(String ns, String name, String clusterIp, int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).withSelector(Map.of("app", name))
                .addNewPort().withName("http").withPort(port).withNewTargetPort(port).endPort().endSpec().build();
    }

    /** An EndpointSlice of the Service with one endpoint per pod: ready, or serving and terminating when draining. */
    public static EndpointSlice slice(String ns, String service, String name, int port, boolean draining, Pod... pods) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .withLabels(Map.of(ClusterSnapshot.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(port).endPort();
        for (Pod p : pods) {
            b.addNewEndpoint().withAddresses(p.getStatus().getPodIP()).withNodeName(p.getSpec().getNodeName())
                    .withNewConditions().withReady(!draining).withServing(true).withTerminating(draining).endConditions()
                    .withNewTargetRef().withKind("Pod").withNamespace(ns).withName(p.getMetadata().getName()).endTargetRef()
                    .endEndpoint();
        }
        return b.build();
    }

}

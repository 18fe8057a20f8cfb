package io.strait.ca;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.function.Predicate;

/**
 * A Kubernetes API server for the tests: fabric8's mock server in CRUD mode (a real HTTP server keeping objects, with
 * list and watch), and the kubeconfig that points at it. {@link #forbid} makes it refuse some requests with 403, as
 * an API server does a service account that lacks a permission.
 */
public final class CrudCluster implements AutoCloseable {
    /** The mock logs every request at INFO through java.util.logging; held so the setting is not collected. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        QUIET.setLevel(java.util.logging.Level.WARNING);
    }

    private volatile Predicate<RecordedRequest> forbidden = r -> false;
    private final java.util.concurrent.atomic.AtomicInteger configMapWrites = new java.util.concurrent.atomic.AtomicInteger();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    public CrudCluster() {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ((request.getMethod().equals("POST") || request.getMethod().equals("PUT")) && request.getPath().contains("/configmaps")) {
                    configMapWrites.incrementAndGet();
                }
                if (forbidden.test(request)) {
                    return new MockResponse().setResponseCode(403).setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
                            + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"forbidden: User \\\"system:serviceaccount:strait-system:strait-xds\\\" "
                            + "cannot " + request.getMethod() + " resource\"}");
                }
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        client = server.createClient();
    }

    /** Refuses the requests {@code which} matches with 403 Forbidden. */
    public void forbid(Predicate<RecordedRequest> which) {
        forbidden = which;
    }

    /** How many creates and updates of ConfigMaps were asked of this server (refused ones too). */
    public int configMapWrites() {
        return configMapWrites.get();
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    public void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** A kubeconfig file that points at this server. */
    public Path kubeconfig(Path file) throws IOException {
        return kubeconfig(file, server.getPort());
    }

    /** A kubeconfig file that points at {@code port} on localhost (a closed port: an unreachable API server). */
    public static Path kubeconfig(Path file, int port) throws IOException {
        return Files.writeString(file, """
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
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}

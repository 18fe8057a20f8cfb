package io.strait.translate.pilot;

import static io.strait.translate.pilot.NamespaceSharingConformanceTest.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A port's virtual hosts built once per model for every sidecar ({@link PortVirtualHosts}) are what each sidecar's
 * own build gives: its own namespace's short names and no one else's, the virtual hosts of other namespaces'
 * services shared; and where two services' names collide, the earlier service keeps the name, as before.
 */
class PortVirtualHostsTest {
    private static String service(String name, String namespace, String host) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: [%s]
                  ports: [{number: 8080, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}]
                """.formatted(name, namespace, host);
    }

    private static final String MESH = String.join("---\n", service("x", "a", "x.a.svc.cluster.local"),
            service("y", "b", "y.b.svc.cluster.local"), service("z", "c", "z.c.svc.cluster.local"));

    private final ScopeTranslator translator = new ScopeTranslator();

    @Test
    void eachSidecarAnswersToItsOwnNamespacesShortNamesAndSharesTheRest() {
        MeshModel model = GoldenFilesTest.model(Map.of("mesh.yaml", MESH));
        RouteConfiguration inA = route(model, "a");
        RouteConfiguration inB = route(model, "b");
        assertThat(domains(inA, "x.a.svc.cluster.local:8080")).contains("x", "x:8080", "x.a", "x.a.svc.cluster.local");
        assertThat(domains(inA, "y.b.svc.cluster.local:8080")).doesNotContain("y", "y:8080").contains("y.b");
        assertThat(domains(inB, "y.b.svc.cluster.local:8080")).contains("y", "y:8080");
        assertThat(domains(inB, "x.a.svc.cluster.local:8080")).doesNotContain("x", "x:8080");
        // a service neither sidecar answers to by short name: one virtual host for both
        assertThat(vhost(inA, "z.c.svc.cluster.local:8080")).isSameAs(vhost(inB, "z.c.svc.cluster.local:8080"));
        XdsConsistency.check(translator.translate(model, proxy(ProxyType.SIDECAR, "a", Map.of())));
    }

    @Test
    void whereNamesCollideTheEarlierServiceKeepsThem() {
        // a ServiceEntry host "x.a" is also a name of x.a.svc.cluster.local: the first by host ("x.a") keeps it
        MeshModel model = GoldenFilesTest.model(Map.of("mesh.yaml", MESH + "---\n" + service("legacy", "other", "x.a")));
        RouteConfiguration inA = route(model, "a");
        assertThat(domains(inA, "x.a:8080")).containsExactly("x.a", "x.a:8080");
        assertThat(domains(inA, "x.a.svc.cluster.local:8080")).doesNotContain("x.a", "x.a:8080").contains("x", "x.a.svc");
        XdsConsistency.check(translator.translate(model, proxy(ProxyType.SIDECAR, "a", Map.of())));
    }

    private RouteConfiguration route(MeshModel model, String namespace) {
        return translator.translate(model, proxy(ProxyType.SIDECAR, namespace, Map.of())).routes().stream()
                .filter(r -> r.getName().equals("8080")).findFirst().orElseThrow();
    }

    private static VirtualHost vhost(RouteConfiguration rc, String name) {
        return rc.getVirtualHostsList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> domains(RouteConfiguration rc, String name) {
        return vhost(rc, name).getDomainsList();
    }
}

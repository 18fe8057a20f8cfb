package io.strait.ca.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ca.role.RootCertConfigMaps.Existing;
import io.strait.ca.role.RootCertConfigMaps.Namespace;
import io.strait.ca.role.RootCertConfigMaps.Write;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the root-certificate ConfigMaps need, from plain values: which to create, which to update, which to leave. */
class RootCertConfigMapsTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
    private static final Map<String, String> LABEL = Map.of("istio.io/config", "true");

    @Test
    void aNamespaceWithoutTheConfigMapGetsOneWithTheRootsAndTheLabel() {
        List<Write> writes = RootCertConfigMaps.plan(List.of(new Namespace("shop", false)), Map.of(), PEM);
        assertThat(writes).containsExactly(new Write("shop", Map.of("root-cert.pem", PEM), LABEL, null));
        assertThat(writes.get(0).create()).isTrue();
    }

    @Test
    void systemAndTerminatingNamespacesAreSkippedButKubeSystemIsNot() {
        List<Namespace> namespaces = List.of(new Namespace("kube-public", false), new Namespace("kube-node-lease", false),
                new Namespace("local-path-storage", false), new Namespace("going", true), new Namespace("kube-system", false));
        assertThat(RootCertConfigMaps.plan(namespaces, Map.of(), PEM)).extracting(Write::namespace).containsExactly("kube-system");
    }

    @Test
    void anUpToDateConfigMapIsLeftAlone() {
        Existing cm = new Existing("shop", Map.of("root-cert.pem", PEM, "extra", "x"), Map.of("istio.io/config", "true", "team", "a"), "7");
        assertThat(RootCertConfigMaps.plan(new Namespace("shop", false), cm, PEM)).isNull();
    }

    @Test
    void aChangedRootOrAMissingLabelIsAnUpdateOfThatVersionKeepingTheRest() {
        Existing stale = new Existing("shop", Map.of("root-cert.pem", "old", "extra", "x"), Map.of("team", "a"), "7");
        Write w = RootCertConfigMaps.plan(new Namespace("shop", false), stale, PEM);
        assertThat(w.create()).isFalse();
        assertThat(w.resourceVersion()).isEqualTo("7");
        assertThat(w.data()).isEqualTo(Map.of("root-cert.pem", PEM, "extra", "x"));
        assertThat(w.labels()).isEqualTo(Map.of("istio.io/config", "true", "team", "a"));

        Existing unlabelled = new Existing("shop", Map.of("root-cert.pem", PEM), null, "8");
        assertThat(RootCertConfigMaps.plan(new Namespace("shop", false), unlabelled, PEM).labels()).isEqualTo(LABEL);
        Existing empty = new Existing("shop", null, LABEL, "9");
        assertThat(RootCertConfigMaps.plan(new Namespace("shop", false), empty, PEM).data()).isEqualTo(Map.of("root-cert.pem", PEM));
    }
}

package io.strait.model.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlReader;
import org.junit.jupiter.api.Test;

class ResourceBinderTest {

    private static ResourceBinder.Bound bind(String yaml) throws Exception {
        return ResourceBinder.bind(YamlReader.read("f.yaml", yaml).get(0));
    }

    @Test
    void bindsEveryServedVersionToOneTypedSpec() throws Exception {
        for (String version : new String[] {"v1alpha3", "v1beta1", "v1"}) {
            ResourceBinder.Bound b = bind("""
                    apiVersion: networking.istio.io/%s
                    kind: DestinationRule
                    metadata: {name: r}
                    spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
                    """.formatted(version));
            assertThat(b.findings()).isEmpty();
            IstioResource r = b.resource().orElseThrow();
            assertThat(r.key()).hasToString("DestinationRule/default/r");
            assertThat(((DestinationRule) r.spec()).subsets().get(0).labels()).containsEntry("version", "v1");
        }
    }

    @Test
    void anUnknownFieldIsAnErrorWithItsPathAndLine() throws Exception {
        ResourceBinder.Bound b = bind("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: r, namespace: ns}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                      wieght: 10
                """);
        assertThat(b.resource()).isEmpty();
        assertThat(b.findings()).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.ERROR);
            assertThat(f.field()).isEqualTo("spec.http[0].route[0].wieght");
            assertThat(f.line()).isEqualTo(9);
            assertThat(f.message()).isEqualTo("unknown field \"wieght\"");
            assertThat(f.resource()).isEqualTo("VirtualService ns/r");
        });
    }

    @Test
    void aWronglyTypedValueIsAnErrorNotACoercion() throws Exception {
        ResourceBinder.Bound b = bind("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: se}
                spec:
                  hosts: [a.example.com]
                  ports:
                  - number: "80"
                    name: http
                """);
        assertThat(b.findings()).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("spec.ports[0].number");
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.message()).isEqualTo("must be of type integer: \"string\"");
        });
    }

    @Test
    void otherKindsAreSkippedWithANoteAndUnsupportedVersionsRejected() throws Exception {
        assertThat(bind("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n").findings())
                .singleElement().extracting(Finding::level).isEqualTo(Finding.Level.INFO);
        assertThat(bind("apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata: {name: g}\nspec: {template: {address: 10.0.0.1}}\n").findings())
                .singleElement().extracting(Finding::level).isEqualTo(Finding.Level.WARNING);
        assertThat(bind("apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: {name: v}\nspec: {}\n").findings())
                .singleElement().satisfies(f -> assertThat(f.message()).contains("unsupported version"));
        assertThat(bind("kind: VirtualService\n").findings())
                .singleElement().satisfies(f -> assertThat(f.message()).contains("apiVersion and kind are required"));
    }
}

package io.strait.model.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.yaml.YamlReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a model takes over from the one before ({@link MeshModel#adopt}): the derived values its caller accepts, and
 * the earlier model's instance of every consolidated DestinationRule that is unchanged — a changed rule is a new one.
 */
class ModelAdoptionTest {
    private static IstioResource resource(String yaml) {
        try {
            return ResourceBinder.bind(YamlReader.read("f.yaml", yaml).get(0)).resource().orElseThrow();
        } catch (io.strait.model.yaml.YamlSyntaxError e) {
            throw new AssertionError(e);
        }
    }

    private static IstioResource service(String name) {
        return resource("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %1$s, namespace: shop}
                spec:
                  hosts: [%1$s.shop.svc.cluster.local]
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1, labels: {version: v1}}]
                """.formatted(name));
    }

    private static IstioResource rule(String name, String subset) {
        return resource("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: %1$s, namespace: shop}
                spec:
                  host: %1$s
                  subsets: [{name: %2$s, labels: {version: v1}}]
                """.formatted(name, subset));
    }

    private record Key(String host) {
    }

    private static DestinationRules.Resolved resolved(MeshModel model, String service) {
        return model.destinationRules().shared().forHost(service + ".shop.svc.cluster.local").orElseThrow();
    }

    @Test
    void unchangedRulesKeepTheirInstanceAndOnlyAcceptedValuesAreTakenOver() {
        MeshModel before = MeshModel.of(List.of(service("cart"), service("pay"), rule("cart", "v1"), rule("pay", "v1")));
        DestinationRules.Resolved cart = resolved(before, "cart");
        DestinationRules.Resolved pay = resolved(before, "pay");
        Object cartValue = before.derived(new Key("cart"), k -> new Object());
        before.derived(new Key("pay"), k -> new Object());

        MeshModel after = MeshModel.of(List.of(service("cart"), service("pay"), rule("cart", "v1"), rule("pay", "v2")));
        after.adopt(before, key -> key instanceof Key k && !k.host().equals("pay"));

        assertThat(resolved(after, "cart")).isSameAs(cart);
        assertThat(resolved(after, "pay")).isNotSameAs(pay)
                .satisfies(r -> assertThat(r.subset("v2")).isPresent());
        Object taken = after.derived(new Key("cart"), k -> new Object());
        assertThat(taken).isSameAs(cartValue);
        Object fresh = new Object();
        Object computed = after.derived(new Key("pay"), k -> fresh);
        assertThat(computed).isSameAs(fresh);
        // a model built without an earlier one shares nothing with it
        assertThat(resolved(MeshModel.of(before.resources()), "cart")).isNotSameAs(cart);
    }
}

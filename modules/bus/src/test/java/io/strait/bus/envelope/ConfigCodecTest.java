package io.strait.bus.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.yaml.YamlReader;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {

    @Test
    void everyTranslatedFieldSurvivesTheBus() throws Exception {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: payments, namespace: shop}
                spec:
                  host: payments
                  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
                  subsets:
                  - name: limited
                    labels: {kind: limited}
                    trafficPolicy: {connectionPool: {http: {http2MaxRequests: 1}}}
                """;
        IstioResource r = ResourceBinder.bind(YamlReader.read("f.yaml", yaml).get(0)).resource().orElseThrow();
        ConfigCodec.Entry back = ConfigCodec.decode(ConfigCodec.encode(r, new Origin("s", "r", "f.yaml", 1)));
        assertThat(back.resource()).isEqualTo(r);
    }
}

package io.strait.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the rows of {@code validation-rules/extensions.yaml} cannot say: that the accepted near-misses draw no
 * warning on their value, what the Envoy registry resolves and what it costs to build, Go's durations, and that
 * odd values are findings, never exceptions.
 */
class EnvoyPatchValuesTest {
    private final DocumentValidator validator = new DocumentValidator();

    @Test
    void registryResolvesV3AndFrozenTypesButNotTheV2Api() {
        // the first build initializes some 600 generated classes; a second one only walks their descriptors
        long first = EnvoyTypes.shared().buildMillis();
        EnvoyTypes types = EnvoyTypes.load();
        System.out.printf("Envoy type registry: first build %d ms, again %d ms%n", first, types.buildMillis());
        assertThat(types.byTypeUrl("type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz")).isNotNull();
        assertThat(types.byTypeUrl("type.googleapis.com/udpa.type.v1.TypedStruct")).isNotNull();
        assertThat(types.byTypeUrl("type.googleapis.com/xds.type.v3.TypedStruct")).isNotNull();
        assertThat(types.byTypeUrl("type.googleapis.com/envoy.config.filter.network.ext_authz.v2.ExtAuthz")).isNull();
        assertThat(types.byTypeUrl("type.googleapis.com/envoy.api.v2.Cluster")).isNull();
        assertThat(EnvoyTypes.frozen(types.byTypeUrl("type.googleapis.com/envoy.config.cluster.redis.RedisClusterConfig"))).isTrue();
        assertThat(EnvoyTypes.frozen(types.byTypeUrl("type.googleapis.com/envoy.extensions.clusters.redis.v3.RedisClusterConfig"))).isFalse();
    }

    @Test
    void acceptedNearMissesDrawNoValueFinding() throws Exception {
        for (String id : List.of("ef-value-valid", "ef-value-deprecated-type")) {
            List<Finding> findings = findingsOfRow(id);
            List<String> onValues = findings.stream()
                    .filter(f -> f.field() != null && f.field().endsWith(".patch.value"))
                    .map(f -> f.field() + ": " + f.message()).toList();
            if (id.equals("ef-value-valid")) {
                assertThat(onValues).as(id).isEmpty();
            } else {
                assertThat(onValues).as(id).containsExactly("spec.configPatches[0].patch.value: "
                        + "using deprecated type_url(s); type.googleapis.com/envoy.config.cluster.redis.RedisClusterConfig");
            }
        }
        assertThat(findingsOfRow("ef-value-unknown-field")).filteredOn(f -> f.field() != null && f.field().endsWith(".patch.value"))
                .allMatch(f -> f.level() == Finding.Level.WARNING).hasSize(2);
    }

    @Test
    void goDurationsBecomeSeconds() {
        assertThat(GoDurations.toSeconds("500ms")).isEqualTo("0.5s");
        assertThat(GoDurations.toSeconds("1m30.5s")).isEqualTo("90.5s");
        assertThat(GoDurations.toSeconds("1h")).isEqualTo("3600s");
        assertThat(GoDurations.toSeconds("-1.5s")).isEqualTo("-1.5s");
        assertThat(GoDurations.toSeconds("0")).isEqualTo("0s");
        assertThat(GoDurations.toSeconds("1.s")).isEqualTo("1s");
        assertThat(GoDurations.toSeconds("250us")).isEqualTo("0.00025s");
        assertThatThrownBy(() -> GoDurations.toSeconds("")).hasMessage("time: invalid duration \"\"");
        assertThatThrownBy(() -> GoDurations.toSeconds("5")).hasMessage("time: missing unit in duration \"5\"");
        assertThatThrownBy(() -> GoDurations.toSeconds("1x")).hasMessage("time: unknown unit \"x\" in duration \"1x\"");
        assertThatThrownBy(() -> GoDurations.toSeconds(".s")).hasMessage("time: invalid duration \".s\"");
    }

    @Test
    void oddValuesAreFindingsNotExceptions() throws Exception {
        String[] values = {
            "{typed_config: null, name: null}",
            "{name: [a], typed_config: []}",
            "{typed_config: {\"@type\": 5}}",
            "{typed_config: {\"@type\": type.googleapis.com/google.protobuf.Duration}}",
            "{typed_config: {\"@type\": type.googleapis.com/google.protobuf.Duration, value: 5 apples}}",
            "{typed_config: {\"@type\": type.googleapis.com/google.protobuf.Struct, value: {a: [1, {b: null}]}}}",
            "{typed_config: {\"@type\": type.googleapis.com/google.protobuf.Any, value: {\"@type\": nope}}}",
            "{typed_config: {\"@type\": \"\"}}",
            "{config_discovery: {default_config: {\"@type\": x/y/z}, type_urls: [null, 1]}}",
            "[1, 2]",
            "7",
            "{\"\": {}, \"[ext]\": 1, disabled: \"yes\"}",
        };
        for (String value : values) {
            String yaml = "apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: ef, namespace: shop}\n"
                    + "spec: {configPatches: [{applyTo: HTTP_FILTER, patch: {operation: INSERT_FIRST, value: " + value + "}}]}\n";
            List<Finding> findings = validator.check(YamlReader.read("odd.yaml", yaml).get(0));
            assertThat(findings).as(value).isNotNull();
        }
    }

    private List<Finding> findingsOfRow(String id) throws Exception {
        IstioValidationRulesTest.Row row = IstioValidationRulesTest.rows().stream()
                .filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        return validator.check(row.doc());
    }
}

package io.strait.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ParseCacheTest {
    private static final String A = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: a, namespace: shop}
            spec: {host: a}
            """;
    private static final String B = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: b, namespace: shop}
            spec: {host: b}
            """;

    @Test
    void onlyFilesWhoseTextChangedAreParsedAgain() {
        ParseCache cache = new ParseCache();
        LoadResult first = ConfigLoader.parse(Map.of("a.yaml", A, "b.yaml", B), cache);
        LoadResult second = ConfigLoader.parse(Map.of("a.yaml", A, "b.yaml", B.replace("host: b", "host: c")), cache);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(second.resources().get(0)).isSameAs(first.resources().get(0)); // a.yaml reused
        assertThat(second.resources().get(1).resource()).isNotEqualTo(first.resources().get(1).resource());
        // the same as a fresh parse
        assertThat(second.resources().stream().map(LoadedResource::resource).toList()).isEqualTo(
                ConfigLoader.parse(Map.of("a.yaml", A, "b.yaml", B.replace("host: b", "host: c")))
                        .resources().stream().map(LoadedResource::resource).toList());
    }

    @Test
    void aFileWithAnErrorKeepsItsFindingAndARemovedFileIsForgotten() {
        ParseCache cache = new ParseCache();
        ConfigLoader.parse(Map.of("bad.yaml", "kind: [unclosed"), cache);
        LoadResult again = ConfigLoader.parse(Map.of("bad.yaml", "kind: [unclosed"), cache);
        assertThat(again.findings()).hasSize(1);
        ConfigLoader.parse(Map.of("a.yaml", A), cache);
        ConfigLoader.parse(Map.of("a.yaml", A, "bad.yaml", "kind: [unclosed"), cache);
        assertThat(cache.hits()).isEqualTo(2); // bad.yaml once, a.yaml once; bad.yaml was forgotten when removed
    }
}

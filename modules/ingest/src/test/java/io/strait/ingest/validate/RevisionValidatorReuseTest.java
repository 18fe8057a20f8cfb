package io.strait.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A revision whose files are mostly unchanged reuses their documents' own findings (the parse cache hands back the
 * same documents), and says exactly what a fresh validator says: a changed file's new error, an unchanged file's
 * old one.
 */
class RevisionValidatorReuseTest {
    private static final String BAD_ENDPOINT = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: pay, namespace: shop}
            spec:
              hosts: [pay.example.com]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.256}]
            """;
    private static final String GOOD = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: cart, namespace: shop}
            spec:
              hosts: [cart.example.com]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.7}]
            """;

    @Test
    void unchangedDocumentsKeepTheirFindingsAndChangedOnesAreCheckedAgain() {
        ParseCache cache = new ParseCache();
        RevisionValidator validator = new RevisionValidator();
        Map<String, String> first = Map.of("pay.yaml", BAD_ENDPOINT, "cart.yaml", GOOD);
        Map<String, String> second = Map.of("pay.yaml", BAD_ENDPOINT, "cart.yaml", GOOD.replace("10.0.0.7", "10.0.07.1"));
        List<Finding> once = validator.validate(ConfigLoader.parse(first, cache));
        List<Finding> twice = validator.validate(ConfigLoader.parse(second, cache));

        assertThat(errorsIn(once)).containsExactly("pay.yaml");
        assertThat(errorsIn(twice)).containsExactlyInAnyOrder("pay.yaml", "cart.yaml");
        // the same as a validator that has seen nothing before
        assertThat(twice).containsExactlyInAnyOrderElementsOf(new RevisionValidator().validate(ConfigLoader.parse(second)));
        assertThat(validator.validate(ConfigLoader.parse(first, cache))).containsExactlyInAnyOrderElementsOf(once);
    }

    private static List<String> errorsIn(List<Finding> findings) {
        return findings.stream().filter(f -> f.level() == Finding.Level.ERROR).map(f -> java.nio.file.Path.of(f.file())
                .getFileName().toString()).distinct().toList();
    }
}

package io.strait.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    @Test
    void readsEveryDocumentWithTheLineOfEveryField() throws Exception {
        String text = """
                # leading comment
                kind: A
                spec:
                  http:
                  - route:
                    - weight: 70
                    - weight: 30
                ---
                ---
                kind: B
                """;
        List<YamlDocument> docs = YamlReader.read("f.yaml", text);
        assertThat(docs).hasSize(2);
        YamlDocument a = docs.get(0);
        assertThat(a.start().line()).isEqualTo(2);
        assertThat(a.positionOf("spec.http[0].route[1].weight").line()).isEqualTo(7);
        assertThat(a.positionOf("spec.http[0].route").line()).isEqualTo(5);
        // a path that does not exist resolves to its nearest ancestor
        assertThat(a.positionOf("spec.http[0].route[1].destination.host").line()).isEqualTo(7);
        assertThat(a.tree().at("/spec/http/0/route/0/weight").isIntegralNumber()).isTrue();
        assertThat(docs.get(1).start().line()).isEqualTo(10);
        assertThat(docs.get(1).index()).isEqualTo(2);
    }

    @Test
    void typesScalarsAsKubernetesDoes() throws Exception {
        YamlDocument d = YamlReader.read("f.yaml", "a: 80\nb: \"80\"\nc: true\nd: 1.5\ne: ~\nf: text\n").get(0);
        assertThat(d.tree().get("a").isNumber()).isTrue();
        assertThat(d.tree().get("b").isTextual()).isTrue();
        assertThat(d.tree().get("c").isBoolean()).isTrue();
        assertThat(d.tree().get("d").isDouble()).isTrue();
        assertThat(d.tree().get("e").isNull()).isTrue();
        assertThat(d.tree().get("f").asText()).isEqualTo("text");
    }

    @Test
    void aColonInsideAFlowScalarStaysInTheScalarAsKubernetesReadsIt() throws Exception {
        YamlDocument d = YamlReader.read("f.yaml", "a: [1.2.3.4, 001:db8::, fe80::1, k: v]\nb: {url: }\n").get(0);
        assertThat(d.tree().get("a").get(1).asText()).isEqualTo("001:db8::");
        assertThat(d.tree().get("a").get(2).asText()).isEqualTo("fe80::1");
        assertThat(d.tree().get("a").get(3).isObject()).as("a real one-entry mapping stays one").isTrue();
        assertThat(d.tree().get("b").get("url").isNull()).isTrue();
    }

    @Test
    void syntaxErrorsNameTheirLine() {
        assertThatThrownBy(() -> YamlReader.read("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n"))
                .isInstanceOfSatisfying(YamlSyntaxError.class, e -> {
                    assertThat(e.file()).isEqualTo("bad.yaml");
                    assertThat(e.position().line()).isGreaterThanOrEqualTo(2);
                    assertThat(e.getMessage()).startsWith("YAML syntax error");
                });
    }

    @Test
    void duplicateKeysAreErrorsNotSilentOverwrites() {
        assertThatThrownBy(() -> YamlReader.read("dup.yaml", "spec:\n  host: a\n  host: b\n"))
                .isInstanceOfSatisfying(YamlSyntaxError.class, e -> {
                    assertThat(e.position().line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("duplicate key \"host\"");
                });
    }

    @Test
    void hostileNestingAndAliasBombsEndInAnErrorNotACrash() {
        String deep = "a: ".repeat(1) + "[".repeat(500) + "]".repeat(500);
        assertThatThrownBy(() -> YamlReader.read("deep.yaml", deep)).isInstanceOf(YamlSyntaxError.class);
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        assertThatThrownBy(() -> YamlReader.read("bomb.yaml", bomb.toString())).isInstanceOf(YamlSyntaxError.class);
    }
}

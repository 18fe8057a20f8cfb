package io.strait.cli.config;

import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** How {@code strait get} prints live resources: a kubectl-like table, Istio YAML, or JSON. */
public final class ConfigOutput {
    private ConfigOutput() {
    }

    /** {@code NAMESPACE NAME SOURCE REVISION AGE}, one row per resource; a line saying so when there is none. */
    public static String table(String kindName, List<LiveResource> resources, long now) {
        if (resources.isEmpty()) {
            return "No " + kindName + " found.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "NAME", "SOURCE", "REVISION", "AGE"});
        for (LiveResource r : resources) {
            String rev = r.revision() == null ? "-" : r.revision().length() > 12 ? r.revision().substring(0, 12) : r.revision();
            rows.add(new String[] {r.namespace().isEmpty() ? "-" : r.namespace(), r.name(), r.source(), rev,
                    r.publishedAt() <= 0 ? "-" : age(now - r.publishedAt())});
        }
        int[] width = new int[5];
        rows.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 3) + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** kubectl's age: the largest unit that fits, {@code 42s}, {@code 7m}, {@code 3h}, {@code 12d}. */
    static String age(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 120) {
            return s + "s";
        }
        if (s < 2 * 3600) {
            return s / 60 + "m";
        }
        return s < 2 * 86400 ? s / 3600 + "h" : s / 86400 + "d";
    }

    /**
     * The documents as Istio YAML, {@code ---}-separated, each after a comment naming its source and file — ready
     * for {@code strait apply -f} (in the form the translator reads: fields it does not translate are not kept).
     */
    public static String yaml(List<LiveResource> resources) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        Yaml yaml = new Yaml(options);
        StringBuilder out = new StringBuilder();
        for (LiveResource r : resources) {
            if (out.length() > 0) {
                out.append("---\n");
            }
            out.append("# source ").append(r.source()).append(", revision ").append(r.revision())
                    .append(", from ").append(r.file()).append(':').append(r.line()).append('\n');
            out.append(yaml.dump(Json.MAPPER.convertValue(r.document(), Object.class)));
        }
        return out.toString();
    }

    /** The resources as a JSON list (what {@code GET /config} answers). */
    public static String json(List<LiveResource> resources) {
        return new String(Json.write(resources), StandardCharsets.UTF_8) + "\n";
    }
}

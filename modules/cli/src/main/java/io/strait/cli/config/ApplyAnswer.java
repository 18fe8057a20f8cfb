package io.strait.cli.config;

import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code POST /apply} and {@code POST /delete} answer, and how the CLI prints it.
 *
 * @param source    the source ({@code api})
 * @param revision  the revision id
 * @param accepted  whether it is live
 * @param resources how many resources the source has now
 * @param changed   how many records the revision wrote
 * @param findings  warnings when accepted, every finding when rejected
 */
public record ApplyAnswer(String source, String revision, boolean accepted, int resources, int changed, List<Finding> findings) {
    public ApplyAnswer {
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    public static ApplyAnswer parse(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), ApplyAnswer.class);
    }

    /** As ingest reports a revision on its console: the verdict, then one finding a line. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        String id = revision.length() > 12 ? revision.substring(0, 12) : revision;
        if (accepted) {
            out.append("revision ").append(id).append(" of ").append(source).append(" accepted: ").append(resources)
                    .append(" resources, ").append(changed).append(" changed").append(changed == 0 ? " (already live)" : "").append('\n');
            findings.forEach(f -> out.append("  ").append(f.describe()).append('\n'));
        } else {
            findings.forEach(f -> out.append(f.describe()).append('\n'));
            long errors = findings.stream().filter(Finding::isError).count();
            out.append("revision ").append(id).append(" of ").append(source).append(" REJECTED (").append(errors)
                    .append(errors == 1 ? " error" : " errors").append("); nothing was changed\n");
        }
        return out.toString();
    }
}

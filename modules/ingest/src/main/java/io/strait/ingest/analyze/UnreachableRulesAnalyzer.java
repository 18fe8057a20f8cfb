package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * IST0130: a rule is never reached — a rule without matches that is not the last catches everything after it, and
 * a rule whose every match repeats an earlier one is shadowed. IST0131: one match never applies because an earlier
 * match (of an earlier rule or the same one) is the same, or covers it (an HTTP uri prefix that contains it, with
 * the same other conditions). Rules are checked per section: http, tcp, tls.
 */
public final class UnreachableRulesAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.UnreachableRulesAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            for (String section : List.of("http", "tcp", "tls")) {
                check(vs, section, out);
            }
        }
    }

    private record Seen(JsonNode match, int rule) {
    }

    private void check(AnalysisInput.Doc vs, String section, Messages out) {
        JsonNode rules = vs.spec().path(section);
        List<Seen> earlier = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String path = "spec." + section + "[" + i + "]";
            JsonNode matches = rules.path(i).path("match");
            if (matches.isEmpty()) {
                if (i < rules.size() - 1) {
                    out.warning("IST0130", vs, path, "VirtualService rule #" + i + " in " + section
                            + " is not the last but has no match: it takes every request, so the rules after it are not used");
                }
                continue;
            }
            int duplicates = 0;
            List<Seen> mine = new ArrayList<>();
            for (int j = 0; j < matches.size(); j++) {
                JsonNode m = withoutName(matches.path(j));
                List<Seen> before = new ArrayList<>(earlier);
                before.addAll(mine);
                Seen shadow = before.stream().filter(s -> s.match().equals(m)).findFirst()
                        .orElse(section.equals("http") ? before.stream().filter(s -> covers(s.match(), m)).findFirst().orElse(null) : null);
                if (shadow != null) {
                    if (shadow.match().equals(m) && shadow.rule() < i) {
                        duplicates++;
                    }
                    out.add(io.strait.model.finding.Finding.Level.INFO, "IST0131", vs, path + ".match[" + j + "]",
                            "VirtualService rule #" + i + " match #" + j + " is not used (duplicate/overlapping match in rule #" + shadow.rule() + ")");
                }
                mine.add(new Seen(m, i));
            }
            if (duplicates == matches.size()) {
                out.warning("IST0130", vs, path, "VirtualService rule #" + i + " in " + section
                        + " is not used: every match repeats an earlier rule's");
            }
            earlier.addAll(mine);
        }
    }

    private static JsonNode withoutName(JsonNode match) {
        if (!match.isObject()) {
            return match;
        }
        ObjectNode copy = ((ObjectNode) match).deepCopy();
        copy.remove("name");
        return copy;
    }

    /** An earlier HTTP match covers a later one when each of its conditions holds for every request the later one takes. */
    private static boolean covers(JsonNode earlier, JsonNode later) {
        for (Iterator<Map.Entry<String, JsonNode>> it = earlier.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            JsonNode other = later.get(c.getKey());
            if (other == null) {
                return false;
            }
            if (c.getKey().equals("uri") && c.getValue().has("prefix") && other.has("prefix")) {
                if (!other.get("prefix").asText().startsWith(c.getValue().get("prefix").asText())) {
                    return false;
                }
            } else if (!c.getValue().equals(other)) {
                return false;
            }
        }
        return true;
    }
}

package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.model.finding.Finding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rules of a VirtualService that are never used, as Istio's VirtualService validation finds them (per section:
 * http, tcp, tls). IST0130: a rule after a rule without matches (each of its matches, and a second rule without
 * matches), or a rule whose every match repeats an earlier one. IST0131: a match that repeats an earlier match
 * (names aside), or — HTTP — a uri prefix match that an earlier prefix match with the same port, method,
 * authority, headers, query parameters and withoutHeaders (each equal, or the earlier a prefix of it) covers.
 */
public final class UnreachableRulesAnalyzer implements Analyzer {
    private static final String EXACT = "exact:";
    private static final String PREFIX = "prefix:";

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

    /** What the prefix-overlap check compares of one HTTP match with a uri prefix. */
    private record PrefixMatch(String path, String route, String match, String prefix, int port, String method, String authority,
                               Map<String, String> headers, Map<String, String> queryParams, Map<String, String> withoutHeaders) {
    }

    private void check(AnalysisInput.Doc vs, String section, Messages out) {
        JsonNode rules = vs.spec().path(section);
        boolean http = section.equals("http");
        Map<JsonNode, Integer> seen = new HashMap<>();
        int emptyMatch = -1;
        List<PrefixMatch> prefixes = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.path(i);
            if (!rule.isObject()) {
                continue;
            }
            String path = "spec." + section + "[" + i + "]";
            String ruleName = ruleName(rule, i, http);
            JsonNode matches = rule.path("match");
            if (matches.isEmpty()) {
                if (emptyMatch >= 0) {
                    unused(out, vs, path, ruleName, "only the last rule can have no matches");
                }
                emptyMatch = i;
                continue;
            }
            int duplicates = 0;
            for (int j = 0; j < matches.size(); j++) {
                if (emptyMatch >= 0) {
                    unused(out, vs, path + ".match[" + j + "]", ruleName, "route without matches defined before");
                    continue;
                }
                JsonNode match = matches.path(j);
                JsonNode key = significant(match, http);
                Integer earlier = seen.get(key);
                if (earlier != null) {
                    ineffective(out, vs, path + ".match[" + j + "]", ruleName, matchName(match, j, http),
                            ruleName(rules.path(earlier), earlier, http));
                    duplicates++;
                    continue;
                }
                seen.put(key, i);
                if (http) {
                    PrefixMatch p = prefixMatch(path + ".match[" + j + "]", ruleName, match, j);
                    if (p != null) {
                        prefixes.add(p);
                    }
                }
            }
            if (duplicates == matches.size()) {
                unused(out, vs, path, ruleName, "all matches used by prior rules");
            }
        }
        for (int a = 0; a < prefixes.size(); a++) {
            for (int b = a + 1; b < prefixes.size(); b++) {
                PrefixMatch first = prefixes.get(a);
                PrefixMatch later = prefixes.get(b);
                if (!later.prefix().equals(first.prefix()) && covers(first, later)) {
                    ineffective(out, vs, later.path(), later.route(), later.match() + " of prefix " + later.prefix(),
                            first.match() + " of prefix " + first.prefix() + " on " + first.route());
                }
            }
        }
    }

    private static void unused(Messages out, AnalysisInput.Doc vs, String path, String rule, String reason) {
        out.warning("IST0130", vs, path, "VirtualService rule " + rule + " not used (" + reason + ").");
    }

    private static void ineffective(Messages out, AnalysisInput.Doc vs, String path, String rule, String match, String earlier) {
        out.add(Finding.Level.INFO, "IST0131", vs, path, "VirtualService rule " + rule + " match " + match
                + " is not used (duplicate/overlapping match in rule " + earlier + ").");
    }

    /** {@code "name"} for a named HTTP rule, else {@code #index}. */
    private static String ruleName(JsonNode rule, int i, boolean http) {
        String name = http ? rule.path("name").asText("") : "";
        return name.isEmpty() ? "#" + i : "\"" + name + "\"";
    }

    private static String matchName(JsonNode match, int j, boolean http) {
        return ruleName(match, j, http);
    }

    /**
     * A match as far as routing goes: an HTTP match's name left out, and the fields a proto would not write (unset,
     * false, zero, empty) dropped, so two matches that route alike compare equal.
     */
    private static JsonNode significant(JsonNode match, boolean http) {
        JsonNode copy = compact(match);
        if (http && copy.isObject()) {
            ((ObjectNode) copy).remove("name");
        }
        return copy;
    }

    private static JsonNode compact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = compact(e.getValue());
                if (!unset(v)) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(v -> out.add(compact(v)));
            return out;
        }
        return node;
    }

    private static boolean unset(JsonNode v) {
        return v.isNull() || v.isMissingNode() || v.isBoolean() && !v.asBoolean() || v.isNumber() && v.asDouble() == 0
                || v.isTextual() && v.asText().isEmpty() || v.isContainerNode() && v.isEmpty();
    }

    private static PrefixMatch prefixMatch(String path, String rule, JsonNode match, int j) {
        String prefix = match.path("uri").path("prefix").asText("");
        if (prefix.isEmpty()) {
            return null;
        }
        String method = exactOrPrefix(match.path("method"));
        return new PrefixMatch(path, rule, matchName(match, j, true), prefix, match.path("port").asInt(0),
                method.isEmpty() ? EXACT + "GET" : method, exactOrPrefix(match.path("authority")),
                stringMatches(match.path("headers")), stringMatches(match.path("queryParams")), stringMatches(match.path("withoutHeaders")));
    }

    private static String exactOrPrefix(JsonNode stringMatch) {
        String exact = stringMatch.path("exact").asText("");
        String prefix = stringMatch.path("prefix").asText("");
        return !exact.isEmpty() ? EXACT + exact : !prefix.isEmpty() ? PREFIX + prefix : "";
    }

    private static Map<String, String> stringMatches(JsonNode byName) {
        Map<String, String> out = new HashMap<>();
        byName.fields().forEachRemaining(e -> out.put(e.getKey(), exactOrPrefix(e.getValue())));
        return out;
    }

    /** Istio's reading of "the earlier match takes every request the later one would". */
    private static boolean covers(PrefixMatch a, PrefixMatch b) {
        return b.prefix().startsWith(a.prefix()) && a.port() == b.port()
                && (a.method().equals(b.method()) || a.method().startsWith(b.method()))
                && (a.authority().equals(b.authority()) || a.authority().startsWith(b.authority()))
                && covers(a.headers(), b.headers()) && covers(a.queryParams(), b.queryParams())
                && covers(a.withoutHeaders(), b.withoutHeaders());
    }

    private static boolean covers(Map<String, String> a, Map<String, String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other == null || !e.getValue().equals(other) && !e.getValue().startsWith(other)) {
                return false;
            }
        }
        return true;
    }
}

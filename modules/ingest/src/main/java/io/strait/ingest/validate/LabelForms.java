package io.strait.ingest.validate;

import static io.strait.ingest.validate.Report.q;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Label forms of Istio's validation: the Kubernetes label keys and values of subsets, source labels and endpoint
 * labels ({@code labels.Instance.Validate}), and the exact-match selectors of workloads ({@code
 * validateWorkloadSelector}, {@code ValidateAlphaWorkloadSelector}).
 */
final class LabelForms {
    private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final String QUALIFIED = "(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern KEY = Pattern.compile("^(" + LABEL + "(?:\\." + LABEL + ")*/)?(" + QUALIFIED + ")$");
    private static final Pattern VALUE = Pattern.compile("^(" + QUALIFIED + ")?$");

    private LabelForms() {
    }

    /** labels.Instance.Validate: each key a label name with an optional DNS prefix, each value a label value. */
    static void labels(Report report, String path, JsonNode labels) {
        labels(report, path, labels, "");
    }

    /** {@link #labels(Report, String, JsonNode)} with each message after {@code prefix}. */
    static void labels(Report report, String path, JsonNode labels, String prefix) {
        if (labels == null || !labels.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            String keyError = key(e.getKey());
            if (keyError != null) {
                report.error(p, prefix + keyError);
            }
            String value = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
            if (!VALUE.matcher(value).matches()) {
                report.error(p, prefix + "invalid tag value: " + q(value));
            }
        }
    }

    private static String key(String k) {
        Matcher m = KEY.matcher(k);
        if (!m.matches()) {
            return "invalid tag key: " + q(k);
        }
        if (m.group(1) != null && m.group(1).length() - 1 > 253) {
            return "invalid tag key: " + q(k) + " (DNS prefix is too long)";
        }
        return m.group(2).length() > 63 ? "invalid tag key: " + q(k) + " (name is too long)" : null;
    }

    /**
     * A selector of exact labels: no empty keys and no wildcards (errors), and a warning when it selects with no
     * labels at all, which selects every workload. {@code warningPrefix} is how the kind words it ("sidecar: ").
     *
     * @param checkForms false where the CRD rules already report wildcards and empty keys at these paths
     */
    static void selector(Report report, String path, JsonNode selector, String labelsField, String warningPrefix,
                         String warningSuffix, boolean checkForms) {
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return;
        }
        JsonNode labels = selector.path(labelsField);
        if (checkForms) {
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String pair = q(e.getKey() + "=" + e.getValue().asText());
                if (e.getKey().isEmpty()) {
                    report.error(path + "." + labelsField, "empty key is not supported in selector: " + pair);
                }
                if (e.getKey().contains("*") || e.getValue().asText().contains("*")) {
                    report.error(path + "." + labelsField + "." + e.getKey(), "wildcard is not supported in selector: " + pair);
                }
            }
        }
        if (labels.isEmpty()) {
            report.warning(path, warningPrefix + "workload selector specified without labels" + warningSuffix);
        }
    }
}

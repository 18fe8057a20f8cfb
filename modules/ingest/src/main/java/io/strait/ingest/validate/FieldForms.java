package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Field forms several kinds share in Istio's validation: durations, ports, percentages, protocols, port names,
 * {@code exportTo} lists and policy target references. Each reads the spec tree as written, so a value of an odd
 * type is passed over (the schema reports it), never thrown on.
 */
final class FieldForms {
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|µs|ns)");
    private static final BigDecimal MILLI = BigDecimal.valueOf(1_000_000);
    /** protocol.Parse: the protocols Istio knows, lowercase. */
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https",
            "tls", "mongo", "redis", "mysql");
    private static final List<String> TARGET_KINDS = List.of("/Service", "networking.istio.io/ServiceEntry",
            "gateway.networking.k8s.io/Gateway", "gateway.networking.k8s.io/GatewayClass");

    private FieldForms() {
    }

    /** The duration in nanoseconds, exactly, or null if the text is not a duration. */
    static BigDecimal nanos(String text) {
        Matcher m = DURATION_PART.matcher(text);
        BigDecimal total = BigDecimal.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us", "µs" -> 1_000L;
                default -> 1L;
            };
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
            end = m.end();
        }
        return end == text.length() && end > 0 ? total : null;
    }

    /** ValidateDuration: at least 1ms, to whole milliseconds. A field that is absent or not text is passed over. */
    static void duration(Report report, String path, JsonNode node) {
        report.errorIf(path, durationError(node));
    }

    static String durationError(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        BigDecimal n = nanos(node.asText());
        if (n == null) {
            return null; // the schema reports a malformed duration
        }
        if (n.compareTo(MILLI) < 0) {
            return "duration must be greater than 1ms";
        }
        return n.remainder(MILLI).signum() != 0 ? "only durations to ms precision are supported" : null;
    }

    /** True when the duration is written and is zero. */
    static boolean isZeroDuration(JsonNode node) {
        BigDecimal n = node != null && node.isTextual() ? nanos(node.asText()) : null;
        return n != null && n.signum() == 0;
    }

    /** ValidatePort. */
    static String port(long port) {
        return port >= 1 && port <= 65535 ? null : "port number " + port + " must be in the range 1..65535";
    }

    /** ValidatePercent, for integer percentages. */
    static String percent(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null;
        }
        long v = node.asLong();
        return v < 0 || v > 100 ? "percentage " + v + " is not in range 0..100" : null;
    }

    /** validatePercentage: a Percent is 0, or in [0.0001, 100]. */
    static void percentage(Report report, String path, JsonNode percent) {
        JsonNode value = percent == null ? null : percent.get("value");
        if (value == null || !value.isNumber()) {
            return;
        }
        double v = value.asDouble();
        if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) {
            report.error(path + ".value", "percentage " + formatFloat(v) + " is neither 0.0, nor in range [0.0001, 100.0]");
        }
    }

    /** Go's %v of a float64. */
    static String formatFloat(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e21 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Go's %f of a float64. */
    static String formatFixed(double v) {
        return String.format(Locale.ROOT, "%f", v);
    }

    /** ValidateProtocol: empty (sniffed) or a protocol Istio knows. */
    static String protocol(String protocol) {
        return protocol == null || protocol.isEmpty() || PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT))
                ? null : "unsupported protocol: " + protocol;
    }

    static boolean isHttp(String protocol) {
        return protocol != null && Set.of("http", "http2", "http_proxy", "grpc", "grpc-web").contains(protocol.toLowerCase(Locale.ROOT));
    }

    static boolean isTls(String protocol) {
        return protocol != null && Set.of("https", "tls").contains(protocol.toLowerCase(Locale.ROOT));
    }

    static boolean isTcp(String protocol) {
        return protocol != null && Set.of("tcp", "https", "tls", "mongo", "redis", "mysql").contains(protocol.toLowerCase(Locale.ROOT));
    }

    /** ValidatePortName: a DNS-1123 label. */
    static String portName(String name) {
        return HostForms.isDns1123Label(name) ? null : "invalid port name: " + name;
    }

    /**
     * validateExportTo: no duplicates ({@code .} is the own namespace), each entry {@code .}, {@code *} or a
     * namespace; {@code ~} (no one) only for ServiceEntries and alone; {@code *} alone; a DestinationRule with a
     * workload selector exports to its own namespace only.
     */
    static void exportTo(Report report, JsonNode exportTo, boolean serviceEntry, boolean ruleWithSelector) {
        if (exportTo == null || !exportTo.isArray() || exportTo.isEmpty()) {
            return;
        }
        String ns = report.namespace();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < exportTo.size(); i++) {
            String e = exportTo.path(i).asText();
            String key = e.equals(".") ? ns : e;
            String path = "spec.exportTo[" + i + "]";
            if (seen.contains(key)) {
                report.error(path, key.equals(e) ? "duplicate entries in exportTo for entry " + e
                        : "duplicate entries in exportTo: . and current namespace " + ns);
            } else if (serviceEntry && e.equals("~")) {
                seen.add(key);
            } else if (key.equals("~")) {
                report.error(path, "exportTo ~ (none) is not allowed for Istio configuration objects");
            } else if (!key.equals("*") && !HostForms.isDns1123Label(key)) {
                report.error(path, "only .,*, or a valid DNS 1123 label is allowed as exportTo entry");
            } else {
                seen.add(key);
            }
        }
        if (ruleWithSelector && !seen.isEmpty()) {
            if (!seen.contains(ns)) {
                report.error("spec.exportTo", "destination rule with workload selector cannot have exportTo beyond current namespace");
            } else if (seen.size() > 1) {
                report.error("spec.exportTo", "destination rule with workload selector cannot have multiple entries in exportTo");
            }
        }
        if (seen.contains("*") && exportTo.size() > 1) {
            report.error("spec.exportTo", "cannot have both public (*) and non-public exportTo values for a resource");
        }
        if (seen.contains("~") && exportTo.size() > 1) {
            report.error("spec.exportTo", "cannot export service entry to no one (~) and someone");
        }
    }

    /** validatePolicyTargetReference(s): a Service, ServiceEntry, Gateway or GatewayClass (name and namespace: the CRD rules). */
    static void targetRefs(Report report, JsonNode spec) {
        targetRef(report, "spec.targetRef", spec.get("targetRef"));
        JsonNode refs = spec.path("targetRefs");
        for (int i = 0; i < refs.size(); i++) {
            targetRef(report, "spec.targetRefs[" + i + "]", refs.get(i));
        }
    }

    private static void targetRef(Report report, String path, JsonNode ref) {
        if (ref == null || !ref.isObject()) {
            return;
        }
        String group = ref.path("group").asText("");
        String kind = ref.path("kind").asText("");
        String canonical = (group.equals("core") ? "" : group) + "/" + kind;
        if (!TARGET_KINDS.contains(canonical)) {
            report.error(path, "targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry "
                    + "gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass] but was " + group + "/" + kind);
        }
    }

    /** A list entry that must not be empty: CheckEmptyValues. */
    static boolean hasEmpty(JsonNode list) {
        for (JsonNode v : list) {
            if (v.asText("").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : "";
    }
}

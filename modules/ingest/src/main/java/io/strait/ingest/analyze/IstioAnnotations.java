package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Istio's annotations on Kubernetes objects (the {@code istio.io/api} annotation reference): each one's maturity,
 * whether it is deprecated, the kinds it may be put on, and for some the values the sidecar injector accepts.
 * The annotation analyzers check what users wrote against it.
 */
final class IstioAnnotations {
    /** One annotation: {@code resources} are the kinds it belongs on ({@code Any} for every kind). */
    record Annotation(String name, String featureStatus, boolean deprecated, List<String> resources) {
        boolean alpha() {
            return featureStatus.equals("Alpha");
        }

        boolean anyKind() {
            return resources.contains("Any");
        }
    }

    /**
     * One annotation a line: name, feature status, {@code deprecated} or {@code -}, the kinds it belongs on; as
     * istio.io/api's annotation reference (annotation/annotations.yaml, July 2026) lists them.
     */
    private static final String CATALOG = """
            alpha.istio.io/canonical-serviceaccounts Alpha deprecated Service
            alpha.istio.io/kubernetes-serviceaccounts Alpha deprecated Service
            ambient.istio.io/bypass-inbound-capture Alpha - Pod
            ambient.istio.io/dns-capture Alpha - Pod
            ambient.istio.io/redirection Beta - Pod
            ambient.istio.io/waypoint-inbound-binding Alpha - GatewayClass,Gateway
            galley.istio.io/analyze-suppress Alpha - Any
            gateway.istio.io/controller-version Alpha - Any
            gateway.istio.io/name-override Alpha - Gateway
            gateway.istio.io/service-account Alpha - Gateway
            inject.istio.io/templates Alpha - Pod
            istio.io/autoRegistrationGroup Alpha - WorkloadEntry
            istio.io/connectedAt Alpha - WorkloadEntry
            istio.io/disconnectedAt Alpha - WorkloadEntry
            istio.io/dry-run Alpha - AuthorizationPolicy
            istio.io/reroute-virtual-interfaces Alpha - Pod
            istio.io/rev Alpha - Pod
            istio.io/use-waypoint-canary-weight Alpha - Service,ServiceEntry,Namespace
            istio.io/workloadController Alpha - WorkloadEntry
            kubernetes.io/ingress.class Stable - Ingress
            networking.istio.io/exportTo Alpha - Service
            networking.istio.io/service-type Alpha - Gateway
            networking.istio.io/traffic-distribution Alpha - Namespace,Service,ServiceEntry
            prometheus.istio.io/merge-metrics Alpha - Pod
            proxy.istio.io/config Beta - Pod
            proxy.istio.io/overrides Alpha - Pod
            readiness.status.sidecar.istio.io/applicationPorts Alpha - Pod
            readiness.status.sidecar.istio.io/failureThreshold Alpha - Pod
            readiness.status.sidecar.istio.io/initialDelaySeconds Alpha - Pod
            readiness.status.sidecar.istio.io/periodSeconds Alpha - Pod
            sidecar.istio.io/agentLogLevel Alpha - Pod
            sidecar.istio.io/bootstrapOverride Alpha - Pod
            sidecar.istio.io/componentLogLevel Alpha - Pod
            sidecar.istio.io/discoveryAddress Alpha deprecated Pod
            sidecar.istio.io/extraStatTags Alpha deprecated Pod
            sidecar.istio.io/inject Beta deprecated Pod
            sidecar.istio.io/interceptionMode Alpha - Pod
            sidecar.istio.io/logLevel Alpha - Pod
            sidecar.istio.io/nativeSidecar Alpha - Pod
            sidecar.istio.io/proxyCPU Alpha - Pod
            sidecar.istio.io/proxyCPULimit Alpha - Pod
            sidecar.istio.io/proxyImage Alpha - Pod
            sidecar.istio.io/proxyImageType Alpha - Pod
            sidecar.istio.io/proxyMemory Alpha - Pod
            sidecar.istio.io/proxyMemoryLimit Alpha - Pod
            sidecar.istio.io/rewriteAppHTTPProbers Alpha - Pod
            sidecar.istio.io/statsCompression Alpha deprecated Pod
            sidecar.istio.io/statsEvictionInterval Alpha - Pod
            sidecar.istio.io/statsFlushInterval Alpha - Pod
            sidecar.istio.io/statsHistogramBins Alpha - Pod
            sidecar.istio.io/statsHistogramBuckets Alpha - Pod
            sidecar.istio.io/statsInclusionPrefixes Alpha deprecated Pod
            sidecar.istio.io/statsInclusionRegexps Alpha deprecated Pod
            sidecar.istio.io/statsInclusionSuffixes Alpha deprecated Pod
            sidecar.istio.io/status Alpha - Pod
            sidecar.istio.io/userVolume Alpha - Pod
            sidecar.istio.io/userVolumeMount Alpha - Pod
            status.sidecar.istio.io/port Alpha - Pod
            topology.istio.io/controlPlaneClusters Alpha - Namespace
            traffic.istio.io/nodeSelector Stable - Service
            traffic.sidecar.istio.io/excludeInboundPorts Alpha - Pod
            traffic.sidecar.istio.io/excludeInterfaces Alpha - Pod
            traffic.sidecar.istio.io/excludeOutboundIPRanges Alpha - Pod
            traffic.sidecar.istio.io/excludeOutboundPorts Alpha - Pod
            traffic.sidecar.istio.io/includeInboundPorts Alpha - Pod
            traffic.sidecar.istio.io/includeOutboundIPRanges Alpha - Pod
            traffic.sidecar.istio.io/includeOutboundPorts Alpha - Pod
            traffic.sidecar.istio.io/kubevirtInterfaces Alpha deprecated Pod
            """;

    private static final Map<String, Annotation> BY_NAME = new HashMap<>();

    static {
        for (String line : CATALOG.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            BY_NAME.put(f[0], new Annotation(f[0], f[1], f[2].equals("deprecated"), List.of(f[3].split(","))));
        }
    }

    /**
     * Set by istiod, the injector or a controller rather than by users: the annotation analyzers never report them.
     */
    static final Set<String> ALWAYS_IGNORED = Set.of("sidecar.istio.io/status", "gateway.istio.io/controller-version",
            "istio.io/rev");

    /** The problem with a value, or null if the injector accepts it; for the annotations the injector checks. */
    private static final Map<String, Function<String, String>> VALUE_CHECKS = Map.ofEntries(
            Map.entry("sidecar.istio.io/interceptionMode", IstioAnnotations::interceptionMode),
            Map.entry("status.sidecar.istio.io/port", v -> prefixed("excludeInboundPorts invalid: ", port(v))),
            Map.entry("readiness.status.sidecar.istio.io/initialDelaySeconds", IstioAnnotations::uint32),
            Map.entry("readiness.status.sidecar.istio.io/periodSeconds", IstioAnnotations::uint32),
            Map.entry("readiness.status.sidecar.istio.io/failureThreshold", IstioAnnotations::uint32),
            Map.entry("traffic.sidecar.istio.io/includeOutboundIPRanges",
                    v -> v.equals("*") ? null : prefixed("includeIPRanges invalid: ", cidrs(v))),
            Map.entry("traffic.sidecar.istio.io/excludeOutboundIPRanges", v -> prefixed("excludeIPRanges invalid: ", cidrs(v))),
            Map.entry("traffic.sidecar.istio.io/includeInboundPorts",
                    v -> v.equals("*") ? null : prefixed("includeInboundPorts invalid: ", ports(v))),
            Map.entry("traffic.sidecar.istio.io/excludeInboundPorts", v -> prefixed("excludeInboundPorts invalid: ", ports(v))),
            Map.entry("traffic.sidecar.istio.io/excludeOutboundPorts", v -> prefixed("excludeOutboundPorts invalid: ", ports(v))),
            Map.entry("traffic.sidecar.istio.io/excludeInterfaces", IstioAnnotations::interfaces),
            Map.entry("traffic.sidecar.istio.io/kubevirtInterfaces", IstioAnnotations::interfaces),
            Map.entry("istio.io/reroute-virtual-interfaces", IstioAnnotations::interfaces),
            Map.entry("prometheus.istio.io/merge-metrics", IstioAnnotations::bool),
            Map.entry("proxy.istio.io/config", IstioAnnotations::proxyConfig),
            Map.entry("sidecar.istio.io/proxyCPU", IstioAnnotations::quantity),
            Map.entry("sidecar.istio.io/proxyMemory", IstioAnnotations::quantity),
            Map.entry("sidecar.istio.io/proxyCPULimit", IstioAnnotations::quantity),
            Map.entry("sidecar.istio.io/proxyMemoryLimit", IstioAnnotations::quantity));

    private static final Pattern INTERFACE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.\\-]*");
    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");
    private static final Pattern IPV4_PREFIX = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern IPV6_PREFIX = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(\\d{1,3})");

    private IstioAnnotations() {
    }

    /**
     * True for an annotation in Istio's namespace (its prefix ends in {@code istio.io}), and for
     * {@code kubernetes.io/ingress.class}, the one other annotation Istio documents.
     */
    static boolean isIstio(String annotation) {
        if (annotation.equals("kubernetes.io/ingress.class")) {
            return true;
        }
        int slash = annotation.indexOf('/');
        return (slash < 0 ? annotation : annotation.substring(0, slash)).endsWith("istio.io");
    }

    static Optional<Annotation> lookup(String annotation) {
        return Optional.ofNullable(BY_NAME.get(annotation));
    }

    /** What is wrong with {@code value} for {@code annotation}, if the injector would reject it. */
    static Optional<String> problem(String annotation, String value) {
        Function<String, String> check = VALUE_CHECKS.get(annotation);
        return check == null ? Optional.empty() : Optional.ofNullable(check.apply(value));
    }

    private static String prefixed(String prefix, String problem) {
        return problem == null ? null : prefix + problem;
    }

    private static String interceptionMode(String v) {
        return Set.of("REDIRECT", "TPROXY", "NONE").contains(v) ? null
                : "interceptionMode invalid, use REDIRECT,TPROXY,NONE: " + v;
    }

    /** Go's {@code strconv.ParseUint(v, 10, bits)}, with its error text. */
    private static String unsigned(String v, int bits) {
        if (!v.matches("\\d+")) {
            return "strconv.ParseUint: parsing \"" + v + "\": invalid syntax";
        }
        boolean fits = v.length() <= 20 && new java.math.BigInteger(v).bitLength() <= bits;
        return fits ? null : "strconv.ParseUint: parsing \"" + v + "\": value out of range";
    }

    private static String uint32(String v) {
        return unsigned(v, 32);
    }

    private static String port(String v) {
        String problem = unsigned(v.strip(), 16);
        return problem == null ? null : "failed parsing port '" + v + "': " + problem;
    }

    private static String ports(String v) {
        String list = v.strip();
        if (list.isEmpty()) {
            return null;
        }
        for (String p : list.split(",", -1)) {
            String problem = port(p);
            if (problem != null) { // the injector wraps the port's own text once more: kept, so the text is Istio's
                return "failed parsing port '" + p + "': " + problem;
            }
        }
        return null;
    }

    private static String cidrs(String v) {
        if (v.isEmpty()) {
            return null;
        }
        for (String c : v.split(",", -1)) {
            if (!cidr(c)) {
                return "failed parsing cidr '" + c + "'";
            }
        }
        return null;
    }

    private static boolean cidr(String c) {
        var v4 = IPV4_PREFIX.matcher(c);
        if (v4.matches()) {
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(v4.group(g)) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(v4.group(5)) <= 32;
        }
        var v6 = IPV6_PREFIX.matcher(c);
        return v6.matches() && Integer.parseInt(v6.group(1)) <= 128;
    }

    private static String interfaces(String v) {
        if (v.isEmpty()) {
            return null;
        }
        for (String i : v.split(",", -1)) {
            String name = i.strip();
            if (name.isEmpty()) {
                return "empty interface name";
            }
            if (name.length() > 15) {
                return "interface name \"" + name + "\" too long (max 15 chars)";
            }
            if (!INTERFACE.matcher(name).matches()) {
                return "interface name \"" + name + "\" contains invalid characters";
            }
        }
        return null;
    }

    private static String bool(String v) {
        return Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False").contains(v) ? null
                : "strconv.ParseBool: parsing \"" + v + "\": invalid syntax";
    }

    private static String quantity(String v) {
        if (v.chars().anyMatch(Character::isISOControl)) {
            return "value contains control characters";
        }
        return QUANTITY.matcher(v).matches() ? null
                : "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    }

    /** A ProxyConfig in YAML: only its shape is checked here (a mapping), not each field's value. */
    private static String proxyConfig(String v) {
        try {
            List<YamlDocument> docs = YamlReader.read("proxy.istio.io/config", v);
            JsonNode tree = docs.isEmpty() ? null : docs.get(0).tree();
            return tree == null || tree.isObject() ? null : "failed to convert to apply proxy config: not a ProxyConfig mapping";
        } catch (YamlSyntaxError e) {
            return "failed to convert to apply proxy config: " + e.getMessage();
        }
    }
}

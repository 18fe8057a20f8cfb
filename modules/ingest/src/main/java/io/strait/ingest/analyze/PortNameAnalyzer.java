package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Istio's {@code service.PortNameAnalyzer}. The protocol of a Kubernetes Service port is read from its name
 * ({@code <protocol>[-<suffix>]}) or {@code appProtocol}, as Strait and Istio read it. IST0118 (info): a port whose
 * protocol cannot be read that way — it is then sniffed, or taken as TCP. IST0150: on an ExternalName Service such a
 * port, or one named plain {@code tcp}, keeps the proxy from forwarding its TCP traffic as intended.
 *
 * <p>Services of Istio's own control plane (labelled {@code istio} or {@code release: istio}), gateways and waypoints
 * Istio deploys itself ({@code gateway.istio.io/managed}), and Services in Kubernetes' system namespaces are left
 * out, as Istio leaves them out.
 */
public final class PortNameAnalyzer implements Analyzer {
    private static final Set<String> MANAGED = Set.of("istio.io-gateway-controller", "istio.io-mesh-controller",
            "istio.io-eastwest-controller");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2",
            "https", "tls", "mongo", "redis", "mysql");
    /** SMTP, DNS, MySQL, MongoDB: ports Istio takes as TCP whatever their name, as sniffing would break them. */
    private static final Set<Integer> WELL_KNOWN_TCP = Set.of(25, 53, 3306, 27017);

    @Override
    public String name() {
        return "service.PortNameAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc svc : in.all("Service")) {
            Map<String, String> labels = svc.labels();
            if (labels.containsKey("istio") || "istio".equals(labels.get("release"))
                    || MANAGED.contains(labels.getOrDefault("gateway.istio.io/managed", ""))
                    || Workloads.systemNamespace(svc.namespace())) {
                continue;
            }
            boolean externalName = svc.spec().path("type").asText("").equals("ExternalName");
            JsonNode ports = svc.spec().path("ports");
            for (int i = 0; i < ports.size(); i++) {
                JsonNode port = ports.path(i);
                String name = port.path("name").asText("");
                if (protocol(port).isPresent() && !(externalName && name.equals("tcp"))) {
                    continue;
                }
                String at = "spec.ports[" + i + "].port";
                if (externalName) {
                    out.warning("IST0150", svc, at, "Port name for ExternalName service is invalid. Proxy may prevent tcp "
                            + "named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly");
                } else {
                    JsonNode target = port.path("targetPort");
                    out.info("IST0118", svc, at, "Port name " + name + " (port: "
                            + port.path("port").asInt() + ", targetPort: " + (target.isMissingNode() || target.isNull() ? "0" : target.asText())
                            + ") doesn't follow the naming convention of Istio port.");
                }
            }
        }
    }

    /**
     * The protocol a Service port declares, upper case: UDP by its {@code protocol}; else by {@code appProtocol}, or
     * else its name, up to the first {@code -} ({@code grpc-web} whole); TCP for a well-known TCP port that declares
     * none. Empty when it declares none Istio knows.
     */
    static Optional<String> protocol(JsonNode port) {
        if (port.path("protocol").asText("").equals("UDP")) {
            return Optional.of("UDP");
        }
        String name = port.path("name").asText("");
        if (port.hasNonNull("appProtocol")) {
            name = port.path("appProtocol").asText("");
            switch (name) {
                case "kubernetes.io/h2c":
                    return Optional.of("HTTP2");
                case "kubernetes.io/ws":
                    return Optional.of("HTTP");
                case "kubernetes.io/wss":
                    return Optional.of("HTTPS");
                default:
                    break;
            }
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("grpc-web")) {
            return Optional.of("GRPC-WEB");
        }
        String prefix = lower.contains("-") ? lower.substring(0, lower.indexOf('-')) : lower;
        if (PROTOCOLS.contains(prefix)) {
            return Optional.of(prefix.toUpperCase(Locale.ROOT));
        }
        return WELL_KNOWN_TCP.contains(port.path("port").asInt()) ? Optional.of("TCP") : Optional.empty();
    }
}

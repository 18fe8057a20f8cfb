package io.strait.ingest.kubernetes;

import java.util.Locale;
import java.util.Set;

/**
 * Istio's protocol selection for a Service port: the port's {@code appProtocol} when it has one (with Kubernetes'
 * own {@code kubernetes.io/h2c}, {@code ws} and {@code wss}), else its name; of either, the part before the first
 * {@code -} names the protocol ({@code http-web} is HTTP, {@code grpc-web…} is gRPC-Web). UDP ports are UDP. Nothing
 * recognised is undeclared (empty: Istio sniffs), except the well-known ports of SMTP, DNS, MySQL and MongoDB, which
 * are TCP because sniffing would break them. Names are upper case, as ServiceEntry ports write them.
 */
public final class PortProtocol {
    private static final Set<Integer> WELL_KNOWN_TCP = Set.of(25, 53, 3306, 27017);
    private static final Set<String> KNOWN = Set.of("TCP", "UDP", "GRPC", "HTTP", "HTTP_PROXY", "HTTP2", "HTTPS", "TLS",
            "MONGO", "REDIS", "MYSQL");
    private static final String GRPC_WEB = "grpc-web";

    private PortProtocol() {
    }

    /**
     * @param port        the service port
     * @param name        the port's name (may be null)
     * @param protocol    the port's L4 protocol (TCP, UDP, SCTP; null is TCP)
     * @param appProtocol the port's appProtocol, or null
     * @return Istio's protocol, upper case, or empty when undeclared
     */
    public static String of(int port, String name, String protocol, String appProtocol) {
        if ("UDP".equalsIgnoreCase(protocol)) {
            return "UDP";
        }
        String text = name == null ? "" : name;
        if (appProtocol != null && !appProtocol.isEmpty()) {
            switch (appProtocol) {
                case "kubernetes.io/h2c":
                    return "HTTP2";
                case "kubernetes.io/ws":
                    return "HTTP";
                case "kubernetes.io/wss":
                    return "HTTPS";
                default:
                    text = appProtocol;
            }
        }
        if (text.regionMatches(true, 0, GRPC_WEB, 0, GRPC_WEB.length())) {
            return "GRPC-WEB";
        }
        int dash = text.indexOf('-');
        String prefix = (dash >= 0 ? text.substring(0, dash) : text).toUpperCase(Locale.ROOT);
        if (KNOWN.contains(prefix)) {
            return prefix;
        }
        return WELL_KNOWN_TCP.contains(port) ? "TCP" : "";
    }
}

package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Gateway analyzers of {@code istioctl analyze}: the workload and Service ports behind a gateway, its TLS
 * credentials, gateways that claim the same port and host on one workload, and certificates served twice.
 */
final class GatewayAnalyzers {
    private GatewayAnalyzers() {
    }

    /**
     * IST0101 for a selector that matches no pod: the gateway has nowhere to run. Istio's error in analysis; a
     * warning at ingest ({@link RegistryLevels}): a source seldom holds the gateway's pods.
     */
    static void selectorNotFound(Messages out, AnalysisInput.Doc gw) {
        out.registry(Level.ERROR, "IST0101", gw, GatewayWorkloads.selectorPath(gw),
                "Referenced selector not found: \"" + Workloads.selectorText(GatewayWorkloads.selector(gw)) + "\"");
    }

    /**
     * IST0101: each {@code credentialName} names a Secret in the namespace of the gateway's pods (or the namespace it
     * names itself, {@code ns/name}); IST0161: that Secret holds a usable certificate. A gateway that selects no pod
     * has no namespace to look in: IST0101 for its selector instead.
     */
    static final class Secrets implements Analyzer {
        @Override
        public String name() {
            return "gateway.SecretAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Date now = new Date();
            for (AnalysisInput.Doc gw : in.all("Gateway")) {
                String ns = GatewayWorkloads.secretNamespace(in, gw);
                if (ns == null) {
                    selectorNotFound(out, gw);
                    continue;
                }
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    String credential = servers.path(i).path("tls").path("credentialName").asText("");
                    if (credential.isEmpty()) {
                        continue;
                    }
                    String path = "spec.servers[" + i + "].tls.credentialName";
                    String[] ref = credential.contains("/") ? credential.split("/", 2) : new String[] {ns, credential};
                    var secret = in.find("Secret", ref[0], ref[1]);
                    if (secret.isEmpty()) {
                        out.registry(Level.ERROR, "IST0101", gw, path, "Referenced credentialName not found: \"" + credential + "\"");
                    } else if (!TlsCredential.usable(secret.get(), now)) {
                        out.registry(Level.ERROR, "IST0161", gw, path, "The credential referenced by the Gateway " + gw.name() + " in namespace " + ns
                                + " is invalid, which can cause the traffic not to work as expected.");
                    }
                }
            }
        }
    }

    /**
     * IST0101 when the selector matches no pod; IST0162 for each server port that no Service in front of the
     * gateway's pods exposes — as a target port (where the proxy listens) or as a service port.
     */
    static final class Ports implements Analyzer {
        @Override
        public String name() {
            return "gateway.IngressGatewayPortAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> services = in.withDefaultIngress("Service");
            for (AnalysisInput.Doc gw : in.all("Gateway")) {
                List<AnalysisInput.Doc> pods = GatewayWorkloads.pods(in, gw);
                if (pods.isEmpty()) {
                    selectorNotFound(out, gw);
                    continue;
                }
                Set<Integer> exposed = new HashSet<>();
                for (AnalysisInput.Doc pod : pods) {
                    for (AnalysisInput.Doc svc : services) {
                        // a Service selects pods of its own namespace; an empty selector, as in Kubernetes, all of them
                        Map<String, String> selector = AnalysisInput.strings(svc.spec().path("selector"));
                        if (svc.namespace().equals(pod.namespace()) && pod.labels().entrySet().containsAll(selector.entrySet())) {
                            svc.spec().path("ports").forEach(p -> exposedPorts(p, exposed));
                        }
                    }
                }
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    JsonNode port = servers.path(i).path("port");
                    if (port.isObject() && !exposed.contains(port.path("number").asInt(0))) {
                        // at the server's port (Istio points at the selector): several servers can miss theirs
                        out.warning("IST0162", gw, "spec.servers[" + i + "].port.number", "The gateway is listening on a target port (port "
                                + port.path("number").asInt(0) + ") that is not defined in the Service associated with its workload instances "
                                + "(Pod selector " + Workloads.selectorText(GatewayWorkloads.selector(gw)) + "). If you need to access "
                                + "the gateway port through the gateway Service, it will not be available.");
                    }
                }
            }
        }

        /** The ports a Service port lets a gateway listen on: its numeric target port, and the service port itself. */
        private static void exposedPorts(JsonNode p, Set<Integer> exposed) {
            // Kubernetes defaults the protocol to TCP; only TCP ports can carry a gateway's traffic
            if (!p.path("protocol").asText("TCP").equals("TCP")) {
                return;
            }
            int target = p.path("targetPort").asInt(0); // a named target port is not a number: 0
            exposed.add(p.path("port").asInt(0));
            if (target != 0) {
                exposed.add(target);
            }
        }
    }

    /**
     * IST0138: a TLS server of a gateway presents the same certificate (credentialName, or serverCertificate and
     * privateKey files) as a server of another gateway whose selector includes all of its labels — both run on the
     * same proxies, and a client that reuses an HTTP/2 connection for the other host gets 404s.
     */
    static final class DuplicateCertificates implements Analyzer {
        private record Served(AnalysisInput.Doc gateway, int server) {
        }

        @Override
        public String name() {
            return "gateway.CertificateAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Map<String, List<Served>> byCertificate = new HashMap<>();
            for (AnalysisInput.Doc gw : in.all("Gateway")) {
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    String cert = certificate(servers.path(i));
                    if (cert != null) {
                        byCertificate.computeIfAbsent(cert, c -> new ArrayList<>()).add(new Served(gw, i));
                    }
                }
            }
            for (List<Served> same : byCertificate.values()) {
                for (Served mine : same) {
                    Map<String, String> selector = GatewayWorkloads.selector(mine.gateway());
                    for (Served other : same) {
                        if (other.gateway() != mine.gateway()
                                && GatewayWorkloads.selector(other.gateway()).entrySet().containsAll(selector.entrySet())) {
                            out.warning("IST0138", mine.gateway(), "metadata.name", "Duplicate certificate in multiple gateways ["
                                    + fullName(mine.gateway()) + " " + fullName(other.gateway())
                                    + "] may cause 404s if clients re-use HTTP2 connections.");
                        }
                    }
                }
            }
        }

        /** What identifies a server's certificate, or null when it has none to compare. */
        private static String certificate(JsonNode server) {
            JsonNode tls = server.path("tls");
            if (!tls.isObject()) {
                return null;
            }
            String credential = tls.path("credentialName").asText("");
            if (!credential.isEmpty()) {
                return "credential:" + credential;
            }
            String cert = tls.path("serverCertificate").asText("");
            String key = tls.path("privateKey").asText("");
            return cert.isEmpty() || key.isEmpty() ? null : "files:" + cert + "\n" + key;
        }
    }

    /**
     * IST0145: two gateways on the same workload (the same selector, or selectors that both match one pod) have a
     * server on the same port with the same host and bind address; the proxy can serve only one of them.
     */
    static final class Conflicts implements Analyzer {
        @Override
        public String name() {
            return "gateway.ConflictingGatewayAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> gateways = in.all("Gateway");
            // per port: each gateway's hosts there, as host -> bind (every server on that port counts)
            Map<Integer, Map<AnalysisInput.Doc, Map<String, String>>> byPort = new HashMap<>();
            for (AnalysisInput.Doc gw : gateways) {
                for (JsonNode server : gw.spec().path("servers")) {
                    Map<String, String> hosts = byPort.computeIfAbsent(port(server), p -> new IdentityHashMap<>())
                            .computeIfAbsent(gw, g -> new HashMap<>());
                    AnalysisInput.texts(server.path("hosts")).forEach(h -> hosts.put(h, server.path("bind").asText("")));
                }
            }
            Map<AnalysisInput.Doc, List<AnalysisInput.Doc>> pods = new IdentityHashMap<>();
            for (AnalysisInput.Doc gw : gateways) {
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    JsonNode server = servers.path(i);
                    String bind = server.path("bind").asText("");
                    List<String> hosts = AnalysisInput.texts(server.path("hosts"));
                    Set<String> conflicting = new TreeSet<>();
                    byPort.getOrDefault(port(server), Map.of()).forEach((other, known) -> {
                        if (other != gw && hosts.stream().anyMatch(h -> bind.equals(known.get(h))) && sameWorkload(in, gw, other, pods)) {
                            conflicting.add(fullName(other));
                        }
                    });
                    if (!conflicting.isEmpty()) {
                        out.error("IST0145", gw, "spec.servers[" + i + "]", "Conflict with gateways " + String.join(",", conflicting)
                                + " (workload selector " + Workloads.selectorText(GatewayWorkloads.selector(gw)) + ", port "
                                + port(server) + ", hosts " + String.join(",", hosts) + ").");
                    }
                }
            }
        }

        private static int port(JsonNode server) {
            return server.path("port").path("number").asInt(0);
        }

        private static boolean sameWorkload(AnalysisInput in, AnalysisInput.Doc a, AnalysisInput.Doc b,
                                            Map<AnalysisInput.Doc, List<AnalysisInput.Doc>> pods) {
            if (GatewayWorkloads.selector(a).equals(GatewayWorkloads.selector(b))) {
                return true;
            }
            List<AnalysisInput.Doc> onA = pods.computeIfAbsent(a, g -> GatewayWorkloads.pods(in, g));
            List<AnalysisInput.Doc> onB = pods.computeIfAbsent(b, g -> GatewayWorkloads.pods(in, g));
            return onA.stream().anyMatch(p -> onB.stream().anyMatch(q -> q == p));
        }
    }

    static String fullName(AnalysisInput.Doc d) {
        return d.namespace() + "/" + d.name();
    }
}

package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Gateway analyzers: secrets, ports exposed by the gateway's Service, conflicts between gateways. */
final class GatewayAnalyzers {
    private GatewayAnalyzers() {
    }

    /** IST0101: a server's {@code credentialName} names a Secret in the gateway workload's namespace. */
    static final class Secrets implements Analyzer {
        @Override
        public String name() {
            return "gateway.SecretAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            for (AnalysisInput.Doc gw : in.all("Gateway")) {
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    String credential = servers.path(i).path("tls").path("credentialName").asText("");
                    if (credential.isEmpty()) {
                        continue;
                    }
                    String ns = GatewayWorkloads.secretNamespace(in, gw);
                    if (in.find("Secret", ns, credential).isEmpty()) {
                        out.error("IST0101", gw, "spec.servers[" + i + "].tls.credentialName",
                                "Referenced credentialName not found: \"" + credential + "\" (looked in namespace " + ns + ")");
                    }
                }
            }
        }
    }

    /** IST0162: each server port is a port that the Services in front of the gateway's pods forward to. */
    static final class Ports implements Analyzer {
        @Override
        public String name() {
            return "gateway.GatewayAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            for (AnalysisInput.Doc gw : in.all("Gateway")) {
                List<AnalysisInput.Doc> pods = GatewayWorkloads.pods(in, gw);
                Set<Integer> exposed = new HashSet<>();
                for (AnalysisInput.Doc svc : in.all("Service")) {
                    Map<String, String> selector = AnalysisInput.strings(svc.spec().path("selector"));
                    boolean fronts = !selector.isEmpty() && pods.stream().anyMatch(p -> p.namespace().equals(svc.namespace())
                            && p.labels().entrySet().containsAll(selector.entrySet()));
                    if (fronts) {
                        svc.spec().path("ports").forEach(p -> exposed.add(p.has("targetPort") ? p.path("targetPort").asInt() : p.path("port").asInt()));
                    }
                }
                if (pods.isEmpty() || exposed.isEmpty()) {
                    continue; // nothing to check against: the workload is not in the input
                }
                JsonNode servers = gw.spec().path("servers");
                for (int i = 0; i < servers.size(); i++) {
                    int port = servers.path(i).path("port").path("number").asInt(-1);
                    if (port > 0 && !exposed.contains(port)) {
                        out.error("IST0162", gw, "spec.servers[" + i + "].port.number", "The gateway refers to a port that is not exposed on "
                                + "the workload (pod selector " + GatewayWorkloads.selector(gw) + "; port " + port + ")");
                    }
                }
            }
        }
    }

    /** IST0138: two gateways on the same workload present the same certificate; only one of them can win. */
    static final class DuplicateCertificates implements Analyzer {
        @Override
        public String name() {
            return "gateway.CertificateAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> gateways = in.all("Gateway");
            Set<AnalysisInput.Doc> duplicated = new LinkedHashSet<>();
            for (int a = 0; a < gateways.size(); a++) {
                for (int b = a + 1; b < gateways.size(); b++) {
                    AnalysisInput.Doc g1 = gateways.get(a);
                    AnalysisInput.Doc g2 = gateways.get(b);
                    if (Conflicts.sameWorkload(in, g1, g2) && !certificates(g1).isEmpty()
                            && certificates(g1).stream().anyMatch(certificates(g2)::contains)) {
                        duplicated.add(g1);
                        duplicated.add(g2);
                    }
                }
            }
            List<String> names = duplicated.stream().map(d -> d.namespace() + "/" + d.name()).toList();
            for (AnalysisInput.Doc gw : duplicated) {
                out.warning("IST0138", gw, "spec.servers", "Duplicate certificate in multiple gateways " + names
                        + " due to the same credentialName or serverCertificate: only one of them is served");
            }
        }

        private static Set<String> certificates(AnalysisInput.Doc gw) {
            Set<String> out = new HashSet<>();
            for (JsonNode server : gw.spec().path("servers")) {
                JsonNode tls = server.path("tls");
                String credential = tls.path("credentialName").asText("");
                String cert = tls.path("serverCertificate").asText("");
                if (!credential.isEmpty()) {
                    out.add("credential:" + credential);
                }
                if (!cert.isEmpty()) {
                    out.add("file:" + cert + "|" + tls.path("privateKey").asText(""));
                }
            }
            return out;
        }
    }

    /** IST0145: two gateways on the same workload listen on the same port for overlapping hosts. */
    static final class Conflicts implements Analyzer {
        @Override
        public String name() {
            return "gateway.ConflictingGatewayAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> gateways = in.all("Gateway");
            Set<AnalysisInput.Doc> conflicting = new LinkedHashSet<>();
            java.util.Map<AnalysisInput.Doc, String> why = new java.util.HashMap<>();
            for (int a = 0; a < gateways.size(); a++) {
                for (int b = a + 1; b < gateways.size(); b++) {
                    AnalysisInput.Doc g1 = gateways.get(a);
                    AnalysisInput.Doc g2 = gateways.get(b);
                    if (!sameWorkload(in, g1, g2)) {
                        continue;
                    }
                    String clash = clash(g1, g2);
                    if (clash != null) {
                        conflicting.add(g1);
                        conflicting.add(g2);
                        why.putIfAbsent(g1, g2.namespace() + "/" + g2.name() + " " + clash);
                        why.putIfAbsent(g2, g1.namespace() + "/" + g1.name() + " " + clash);
                    }
                }
            }
            for (AnalysisInput.Doc gw : conflicting) {
                out.error("IST0145", gw, "spec.servers", "Conflict with gateways " + why.get(gw)
                        + ": the same workload cannot serve one port and host for two gateways");
            }
        }

        static boolean sameWorkload(AnalysisInput in, AnalysisInput.Doc g1, AnalysisInput.Doc g2) {
            Map<String, String> s1 = GatewayWorkloads.selector(g1);
            Map<String, String> s2 = GatewayWorkloads.selector(g2);
            if (s1.equals(s2)) {
                return true;
            }
            List<AnalysisInput.Doc> p1 = GatewayWorkloads.pods(in, g1);
            return GatewayWorkloads.pods(in, g2).stream().anyMatch(p1::contains);
        }

        private static String clash(AnalysisInput.Doc g1, AnalysisInput.Doc g2) {
            for (JsonNode s1 : g1.spec().path("servers")) {
                for (JsonNode s2 : g2.spec().path("servers")) {
                    int port = s1.path("port").path("number").asInt(-1);
                    if (port < 0 || port != s2.path("port").path("number").asInt(-2)) {
                        continue;
                    }
                    for (String h1 : AnalysisInput.texts(s1.path("hosts"))) {
                        for (String h2 : AnalysisInput.texts(s2.path("hosts"))) {
                            if (AnalysisInput.hostsOverlap(strip(h1), strip(h2))) {
                                return "(port " + port + ", host " + h1 + ")";
                            }
                        }
                    }
                }
            }
            return null;
        }

        private static String strip(String host) {
            return host.contains("/") ? host.substring(host.indexOf('/') + 1) : host;
        }
    }
}

package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Istio's rules of a Sidecar ({@code ValidateSidecar}): its selector, something to configure, ingress listeners
 * (ports, binds, default endpoints, TLS, connection pools), egress listeners (one catch-all, last; unique ports and
 * sockets; {@code namespace/host} entries) and the outbound traffic policy.
 */
final class SidecarRules {
    private SidecarRules() {
    }

    static void check(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.workloadSelector", spec.get("workloadSelector"), "labels", "sidecar: ",
                ", will be applied to all services in namespace", true);
        JsonNode ingress = spec.path("ingress");
        JsonNode egress = spec.path("egress");
        if (egress.isEmpty() && ingress.isEmpty() && !spec.hasNonNull("outboundTrafficPolicy") && !spec.hasNonNull("inboundConnectionPool")) {
            report.error("spec", "sidecar: empty configuration provided");
            return;
        }
        Set<Long> ports = new HashSet<>();
        for (int i = 0; i < ingress.size(); i++) {
            ingress(report, "spec.ingress[" + i + "]", ingress.get(i), ports);
        }
        TrafficPolicyRules.connectionPool(report, "spec.inboundConnectionPool", spec.get("inboundConnectionPool"));
        egress(report, egress);
        outboundTrafficPolicy(report, "spec.outboundTrafficPolicy", spec.get("outboundTrafficPolicy"));
    }

    private static void ingress(Report report, String path, JsonNode in, Set<Long> ports) {
        if (in == null || !in.isObject() || !in.path("port").isObject()) {
            return; // the schema requires the listener and its port
        }
        JsonNode port = in.get("port");
        if (port.path("targetPort").asLong(0) > 0) {
            report.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
        }
        portAndBind(report, path, port, FieldForms.text(in, "bind"));
        long number = port.path("number").asLong(0);
        if (!ports.add(number)) {
            report.error(path + ".port.number", "sidecar: ports on IP bound listeners must be unique");
        }
        String endpoint = FieldForms.text(in, "defaultEndpoint");
        if (endpoint.startsWith("unix://")) {
            report.errorIf(path + ".defaultEndpoint", GatewayRules.unixAddress(endpoint.substring("unix://".length())));
        } else if (endpoint.matches(".*:[0-9]{1,5}")) {
            // other forms: SidecarValidator's defaultEndpoint rule; here the port's range
            report.errorIf(path + ".defaultEndpoint", FieldForms.port(Long.parseLong(endpoint.substring(endpoint.lastIndexOf(':') + 1))));
        }
        JsonNode tls = in.get("tls");
        if (tls != null && tls.isObject()) {
            String t = path + ".tls";
            if (!tls.path("subjectAltNames").isEmpty()) {
                report.error(t + ".subjectAltNames", "sidecar: subjectAltNames is not supported in ingress tls");
            }
            if (tls.path("httpsRedirect").asBoolean(false)) {
                report.error(t + ".httpsRedirect", "sidecar: httpsRedirect is not supported");
            }
            if (!FieldForms.text(tls, "credentialName").isEmpty()) {
                report.error(t + ".credentialName", "sidecar: credentialName is not currently supported");
            }
            if (!tls.path("credentialNames").isEmpty()) {
                report.error(t + ".credentialNames", "sidecar: credentialNames is not currently supported");
            }
            if (!tls.path("tlsCertificates").isEmpty()) {
                report.error(t + ".tlsCertificates", "sidecar: tls_certificates is not currently supported");
            }
            String mode = tls.path("mode").asText("PASSTHROUGH");
            if (mode.equals("ISTIO_MUTUAL") || mode.equals("AUTO_PASSTHROUGH")) {
                report.error(t + ".mode", "configuration is invalid: cannot set mode to " + mode + " in sidecar ingress tls");
            }
            if (!FieldForms.isTls(FieldForms.text(port, "protocol"))) {
                report.error(t, "server cannot have TLS settings for non HTTPS/TLS ports");
            }
            ServerTlsRules.check(report, t, tls);
        }
        JsonNode pool = in.get("connectionPool");
        TrafficPolicyRules.connectionPool(report, path + ".connectionPool", pool);
        if (pool != null && pool.has("http") && !FieldForms.isHttp(FieldForms.text(port, "protocol"))) {
            report.warning(path + ".connectionPool.http", "sidecar: HTTP connection pool settings are configured for port "
                    + number + " (" + Report.q(FieldForms.text(port, "name")) + ") but its protocol is not HTTP ("
                    + FieldForms.text(port, "protocol") + "); only TCP settings will apply");
        }
    }

    /** validateSidecarIngressPortAndBind, and the IP-bound half of validateSidecarEgressPortBindAndCaptureMode. */
    private static void portAndBind(Report report, String path, JsonNode port, String bind) {
        String name = FieldForms.text(port, "name");
        if (!name.isEmpty()) {
            report.errorIf(path + ".port.name", FieldForms.portName(name));
        }
        report.errorIf(path + ".port.protocol", FieldForms.protocol(FieldForms.text(port, "protocol")));
        // the number's range: the schema's port type
        if (!bind.isEmpty()) {
            report.errorIf(path + ".bind", HostForms.ipAddress(bind));
        }
    }

    private static void egress(Report report, JsonNode egress) {
        Set<Long> ports = new HashSet<>();
        boolean catchAll = false;
        for (int i = 0; i < egress.size(); i++) {
            String path = "spec.egress[" + i + "]";
            JsonNode e = egress.get(i);
            if (e == null || !e.isObject()) {
                report.error(path, "egress listener may not be null");
                continue;
            }
            JsonNode port = e.get("port");
            if (port == null || port.isNull()) {
                if (catchAll) {
                    report.error(path, "sidecar: egress can have only one listener with empty port");
                    continue;
                }
                if (i == egress.size() - 1) {
                    catchAll = true;
                } else {
                    report.error(path, "sidecar: the egress listener with empty port should be the last listener in the list");
                }
            } else if (port.isObject()) {
                if (port.path("targetPort").asLong(0) > 0) {
                    report.error(path + ".port.targetPort", "targetPort has no impact on Sidecars");
                }
                // a port number of 0 binding a unix socket: the schema's port type does not admit 0
                portAndBind(report, path, port, FieldForms.text(e, "bind"));
                if (!ports.add(port.path("number").asLong(0))) {
                    report.error(path + ".port.number", "sidecar: ports on IP bound listeners must be unique");
                }
            }
            hosts(report, path + ".hosts", e.path("hosts"));
        }
    }

    /** Egress hosts: {@code ns/host} forms, and warnings for hosts another entry already selects. */
    private static void hosts(Report report, String path, JsonNode hosts) {
        Map<String, Set<String>> byNamespace = new HashMap<>();
        for (int j = 0; j < hosts.size(); j++) {
            String hostname = hosts.path(j).asText("");
            String p = path + "[" + j + "]";
            int slash = hostname.indexOf('/');
            if (slash >= 0 && !hostname.startsWith("~")) {
                String ns = hostname.substring(0, slash);
                String svc = hostname.substring(slash + 1);
                if (ns.equals(".")) {
                    ns = report.namespace();
                }
                Set<String> svcs = byNamespace.computeIfAbsent(ns, k -> new HashSet<>());
                boolean duplicate = svc.equals("*") ? !svcs.isEmpty() : svcs.contains(svc) || svcs.contains("*");
                if (duplicate) {
                    report.warning(p, "duplicated egress host: " + hostname);
                }
                svcs.add(svc);
            }
            for (String err : HostForms.namespaceSlashHost(hostname, false)) {
                report.error(p, err);
            }
        }
        if (byNamespace.getOrDefault("*", Set.of()).contains("*") && byNamespace.size() != 1) {
            report.warning(path, "`*/*` host select all resources, no other hosts can be added");
        }
    }

    /** validateSidecarOutboundTrafficPolicy: an egress proxy only with ALLOW_ANY, naming an FQDN and a port. */
    private static void outboundTrafficPolicy(Report report, String path, JsonNode tp) {
        if (tp == null || !tp.isObject() || !tp.hasNonNull("egressProxy")) {
            return;
        }
        if (!"ALLOW_ANY".equals(tp.path("mode").asText("REGISTRY_ONLY"))) {
            report.error(path + ".egressProxy", "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
            return;
        }
        JsonNode proxy = tp.get("egressProxy");
        String host = FieldForms.text(proxy, "host");
        if (!host.isEmpty()) {
            report.errorIf(path + ".egressProxy.host", HostForms.fqdn(host));
        }
        if (!proxy.hasNonNull("port")) {
            report.error(path + ".egressProxy.port", "sidecar: egress_proxy port must be non-nil");
            return;
        }
        // a wildcard host here: ValidateFQDN above says the first label is invalid
        String subset = FieldForms.text(proxy, "subset");
        if (!subset.isEmpty() && !HostForms.isDns1123Label(subset)) {
            report.error(path + ".egressProxy.subset", "subset name is invalid: " + subset);
        }
    }
}

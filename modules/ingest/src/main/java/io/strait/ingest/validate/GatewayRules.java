package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Istio's rules of a Gateway ({@code ValidateGateway}, {@code validateServer}, {@code validateServerPort},
 * {@code validateServerBind}) beyond {@link GatewayValidator}: a DNS-label name, at least one server, host forms,
 * known protocols, named ports, binds, TLS only where the protocol is TLS, unique port names.
 */
final class GatewayRules {
    private GatewayRules() {
    }

    static void check(Report report, String name, JsonNode spec) {
        if (name != null && !HostForms.isDns1123Label(name)) {
            report.error("metadata.name", "invalid gateway name: " + Report.q(name));
        }
        JsonNode servers = spec.path("servers");
        if (servers.isEmpty()) {
            report.error("spec.servers", "gateway must have at least one server");
            return;
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            String path = "spec.servers[" + i + "]";
            JsonNode s = servers.get(i);
            if (s == null || !s.isObject()) {
                report.error(path, "server may not be nil");
                continue;
            }
            server(report, path, s);
            JsonNode port = s.get("port");
            if (port != null && port.isObject()) {
                String portName = FieldForms.text(port, "name");
                if (!portNames.add(portName)) {
                    report.error(path + ".port.name", "port names in servers must be unique: duplicate name " + portName);
                }
                if (!FieldForms.isHttp(FieldForms.text(port, "protocol")) && s.path("tls").path("httpsRedirect").asBoolean(false)) {
                    report.warning(path + ".tls.httpsRedirect", "tls.httpsRedirect should only be used with http servers");
                }
            }
        }
    }

    private static void server(Report report, String path, JsonNode s) {
        JsonNode hosts = s.path("hosts");
        for (int j = 0; j < hosts.size(); j++) {
            for (String err : HostForms.namespaceSlashHost(hosts.path(j).asText(""), true)) {
                report.error(path + ".hosts[" + j + "]", err);
            }
        }
        String bind = FieldForms.text(s, "bind");
        JsonNode port = s.get("port");
        boolean portValid = port != null && port.isObject() && port(report, path + ".port", port, bind);
        if (bind.startsWith("unix://")) {
            report.errorIf(path + ".bind", unixAddress(bind.substring("unix://".length())));
            if (port != null && port.path("number").asLong(0) != 0) {
                report.error(path + ".port.number", "port number must be 0 for unix domain socket: " + port);
            }
        } else if (!bind.isEmpty()) {
            report.errorIf(path + ".bind", HostForms.ipAddress(bind));
        }
        JsonNode tls = s.get("tls");
        ServerTlsRules.check(report, path + ".tls", tls);
        if (!portValid) {
            return;
        }
        String protocol = FieldForms.text(port, "protocol");
        boolean hasTls = tls != null && tls.isObject();
        if (FieldForms.isTls(protocol) && !hasTls) {
            // GatewayValidator says what to add for HTTPS
            if (!protocol.equalsIgnoreCase("HTTPS")) {
                report.error(path + ".tls", "server must have TLS settings for HTTPS/TLS protocols");
            }
        } else if (!FieldForms.isTls(protocol) && hasTls) {
            if (FieldForms.isHttp(protocol)) {
                // only a redirect to HTTPS: a passthrough server (mode unset or PASSTHROUGH) without certificate files
                boolean passthrough = tls.path("mode").asText("PASSTHROUGH").equals("PASSTHROUGH");
                if (!passthrough || !FieldForms.text(tls, "caCertificates").isEmpty() || !FieldForms.text(tls, "privateKey").isEmpty()
                        || !FieldForms.text(tls, "serverCertificate").isEmpty()) {
                    report.error(path + ".tls", "server cannot have TLS settings for plain text HTTP ports");
                }
            } else {
                report.error(path + ".tls", "server cannot have TLS settings for non HTTPS/TLS ports");
            }
        }
    }

    /** validateServerPort; true when the port has no error, as Istio checks TLS against the protocol only then. */
    private static boolean port(Report report, String path, JsonNode port, String bind) {
        boolean ok = true;
        String protocol = FieldForms.text(port, "protocol");
        if (!FieldForms.PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT))) {
            report.error(path + ".protocol", "invalid protocol " + Report.q(protocol)
                    + ", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP");
            ok = false;
        }
        long number = port.path("number").asLong(0);
        if (number > 0 || !bind.startsWith("unix://")) {
            String err = FieldForms.port(number);
            if (err != null && number != 0) { // a number out of range: the schema's port type
                ok = false;
            } else if (err != null) {
                report.error(path + ".number", err);
                ok = false;
            }
        }
        if (port.path("targetPort").asLong(0) > 0) {
            report.error(path + ".targetPort", "targetPort has no impact on Gateways");
            ok = false;
        }
        if (FieldForms.text(port, "name").isEmpty()) {
            report.error(path + ".name", "port name must be set: " + port);
            ok = false;
        }
        return ok;
    }

    /** ValidateUnixAddress: an absolute path to a file, or an abstract socket ({@code @name}). */
    static String unixAddress(String addr) {
        if (addr.isEmpty()) {
            return "unix address must not be empty";
        }
        if (addr.startsWith("@")) {
            return null;
        }
        return !addr.startsWith("/") || addr.endsWith("/") ? addr + " is not an absolute path to a file" : null;
    }
}

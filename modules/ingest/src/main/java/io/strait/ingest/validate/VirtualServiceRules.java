package io.strait.ingest.validate;

import static io.strait.ingest.validate.Report.q;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Istio's rules of a whole VirtualService ({@code ValidateVirtualService}) beyond {@link VirtualServiceValidator}:
 * what a delegate may not hold, gateway names, host forms and duplicates, JWT claim routing only on gateways, TLS
 * and TCP routes and their matches, exportTo; each HTTP route by {@link HttpRouteRules}.
 */
final class VirtualServiceRules {
    private VirtualServiceRules() {
    }

    static void check(Report report, JsonNode spec) {
        JsonNode hosts = spec.path("hosts");
        JsonNode gateways = spec.path("gateways");
        boolean delegate = hosts.isEmpty();
        if (delegate) {
            if (!spec.path("tls").isEmpty()) {
                report.error("spec.tls", "delegate virtual service must have no tls route specified");
            }
            if (!spec.path("tcp").isEmpty()) {
                report.error("spec.tcp", "delegate virtual service must have no tcp route specified");
            }
        }
        boolean toGateway = false;
        if (!gateways.isEmpty()) {
            MatchRules.gatewayNames(report, "spec.gateways", gateways);
            toGateway = true;
            for (JsonNode g : gateways) {
                toGateway &= !"mesh".equals(g.asText());
            }
        }
        if (!toGateway) {
            jwtClaimRoutes(report, spec);
        }
        boolean toMesh = !toGateway;
        boolean sni = sniHosts(spec);
        boolean allValid = true;
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.path(i).asText("");
            if (h.isBlank()) {
                allValid = false;
                continue; // VirtualServiceValidator: host must not be empty
            }
            String err = toGateway ? gatewayDomain(sni, h) : HostForms.wildcardDomain(h);
            if (err != null) {
                if (!HostForms.isIp(h)) {
                    report.error("spec.hosts[" + i + "]", err);
                    allValid = false;
                }
            } else if (toMesh && h.equals("*")) {
                report.error("spec.hosts[" + i + "]", "wildcard host * is not allowed for virtual services bound to the mesh gateway");
                allValid = false;
            }
        }
        if (allValid) {
            for (int i = 0; i < hosts.size(); i++) {
                for (int j = i + 1; j < hosts.size(); j++) {
                    String a = hosts.path(i).asText();
                    String b = hosts.path(j).asText();
                    if (matches(a, b)) {
                        report.error("spec.hosts[" + j + "]", "duplicate hosts in virtual service: " + a + " & " + b);
                    }
                }
            }
        }
        JsonNode http = spec.path("http");
        for (int i = 0; i < http.size(); i++) {
            HttpRouteRules.route(report, "spec.http[" + i + "]", http.get(i), delegate);
        }
        JsonNode tls = spec.path("tls");
        for (int i = 0; i < tls.size(); i++) {
            tlsRoute(report, "spec.tls[" + i + "]", tls.get(i), hosts, toGateway);
        }
        JsonNode tcp = spec.path("tcp");
        for (int i = 0; i < tcp.size(); i++) {
            String path = "spec.tcp[" + i + "]";
            JsonNode matches = tcp.path(i).path("match");
            for (int j = 0; j < matches.size(); j++) {
                JsonNode m = matches.get(j);
                if (m == null || !m.isObject()) {
                    report.error(path + ".match[" + j + "]", "tcp match may not be nil");
                    continue;
                }
                MatchRules.subnets(report, path + ".match[" + j + "]", m);
                MatchRules.l4(report, path + ".match[" + j + "]", m);
            }
            destinations(report, path + ".route", tcp.path(i).path("route"));
        }
        FieldForms.exportTo(report, spec.get("exportTo"), false, false);
    }

    /** A VirtualService bound to gateways may match the SNI names Istio generates for AUTO_PASSTHROUGH. */
    private static String gatewayDomain(boolean sni, String domain) {
        String pre = HostForms.dnsPreconditions(domain);
        if (pre != null) {
            return pre;
        }
        if (sni && domain.startsWith("outbound_")) {
            String[] parts = domain.split("_", -1);
            String format = "outbound_.<PORT>_._.<HOSTNAME>";
            if (parts.length < 4) {
                return "domain name " + domain + " invalid, should follow '" + format + "' format";
            }
            String port = parts[1].replaceAll("^\\.+|\\.+$", "");
            String host = parts[3].replaceAll("^\\.+|\\.+$", "");
            if (!port.matches(".*[0-9].*")) {
                return "domain name " + q(domain) + " invalid (label " + q(port) + " invalid). should follow " + format + " format";
            }
            if (!host.matches(".*[a-zA-Z].*")) {
                return "domain name " + q(domain) + " invalid (label " + q(host) + " invalid). should follow " + format + " format";
            }
            return null;
        }
        return HostForms.wildcardDomain(domain);
    }

    private static boolean sniHosts(JsonNode spec) {
        for (JsonNode route : spec.path("tls")) {
            for (JsonNode m : route.path("match")) {
                if (!m.path("sniHosts").isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void jwtClaimRoutes(Report report, JsonNode spec) {
        JsonNode http = spec.path("http");
        for (int i = 0; i < http.size(); i++) {
            JsonNode matches = http.path(i).path("match");
            for (int j = 0; j < matches.size(); j++) {
                for (String field : new String[] {"headers", "withoutHeaders"}) {
                    for (Iterator<String> it = matches.path(j).path(field).fieldNames(); it.hasNext(); ) {
                        String key = it.next();
                        if (MatchRules.isJwtClaim(key)) {
                            report.error("spec.http[" + i + "].match[" + j + "]." + field + "." + key, "JWT claim based routing (key: "
                                    + key + ") is only supported for gateway, found no gateways: " + goList(spec.path("gateways")));
                        }
                    }
                }
            }
        }
    }

    private static String goList(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(n -> items.add(n.asText()));
        return "[" + String.join(" ", items) + "]";
    }

    /** validateTLSRoute and validateTLSMatch: each SNI host a domain within the VirtualService's hosts. */
    private static void tlsRoute(Report report, String path, JsonNode tls, JsonNode hosts, boolean toGateway) {
        if (tls == null || !tls.isObject()) {
            return;
        }
        JsonNode matches = tls.path("match");
        for (int j = 0; j < matches.size(); j++) {
            JsonNode m = matches.get(j);
            String p = path + ".match[" + j + "]";
            if (m == null || !m.isObject()) {
                report.error(p, "TLS match may not be null");
                continue;
            }
            JsonNode sni = m.path("sniHosts");
            for (int k = 0; k < sni.size(); k++) {
                sniHost(report, p + ".sniHosts[" + k + "]", sni.path(k).asText(""), hosts, toGateway);
            }
            MatchRules.subnets(report, p, m);
            MatchRules.l4(report, p, m);
        }
        destinations(report, path + ".route", tls.path("route"));
    }

    private static void sniHost(Report report, String path, String sni, JsonNode hosts, boolean toGateway) {
        String err = toGateway ? gatewayDomain(true, sni) : HostForms.wildcardDomain(sni);
        if (err != null) {
            if (HostForms.isIp(sni)) {
                report.warning(path, "using an IP address (" + q(sni) + ") goes against SNI spec and most clients do not support this");
            } else {
                report.error(path, err);
            }
            return;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode h : hosts) {
            if (subsetOf(sni, h.asText())) {
                return;
            }
            names.add(h.asText());
        }
        report.error(path, "SNI host " + q(sni) + " is not a compatible subset of any of the virtual service hosts: ["
                + String.join(", ", names) + "]");
    }

    private static void destinations(Report report, String path, JsonNode route) {
        for (int k = 0; k < route.size(); k++) {
            DestinationForms.destination(report, path + "[" + k + "].destination", route.path(k).get("destination"));
        }
    }

    /** host.Name.Matches: two hosts, either possibly wildcarded, that some name matches both of. */
    static boolean matches(String a, String b) {
        boolean aw = a.startsWith("*");
        boolean bw = b.startsWith("*");
        if (aw && bw) {
            return a.length() < b.length() ? b.substring(1).endsWith(a.substring(1)) : a.substring(1).endsWith(b.substring(1));
        }
        if (aw) {
            return b.endsWith(a.substring(1));
        }
        return bw ? a.endsWith(b.substring(1)) : a.equals(b);
    }

    /** host.Name.SubsetOf: every name {@code a} matches, {@code b} matches too. */
    static boolean subsetOf(String a, String b) {
        boolean aw = a.startsWith("*");
        boolean bw = b.startsWith("*");
        if (aw) {
            return bw && a.length() >= b.length() && a.substring(1).endsWith(b.substring(1));
        }
        return bw ? a.endsWith(b.substring(1)) : a.equals(b);
    }
}

package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Istio's rules of a ServiceEntry ({@code ValidateServiceEntry}) beyond {@link ServiceEntryValidator}: host forms,
 * port names and protocols, endpoint forms per resolution, DYNAMIC_DNS, several hosts on plain TCP ports, exportTo.
 */
final class ServiceEntryRules {
    private static final Set<String> DYNAMIC_DNS_PROTOCOLS = Set.of("http", "tls", "grpc", "http2");

    private ServiceEntryRules() {
    }

    static void check(Report report, JsonNode spec, String useWaypoint) {
        String resolution = spec.path("resolution").asText("NONE");
        // wildcards in selector labels: ServiceEntryValidator, with the CRD's wording
        LabelForms.selector(report, "spec.workloadSelector", spec.get("workloadSelector"), "labels", "service entry: ",
                ", will be applied to all services in namespace", false);
        JsonNode hosts = spec.path("hosts");
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.path(i).asText("");
            if (h.isBlank() || h.equals("*")) {
                continue; // ServiceEntryValidator
            }
            report.errorIf("spec.hosts[" + i + "]", HostForms.wildcardDomain(h));
            if (!resolution.equals("DYNAMIC_DNS") && HostForms.partialWildcard(h) != null) {
                report.warning("spec.hosts[" + i + "]", HostForms.partialWildcard(h));
            }
        }
        JsonNode ports = spec.path("ports");
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.path(i);
            String path = "spec.ports[" + i + "]";
            String name = FieldForms.text(p, "name");
            portNames.add(name);
            if (!name.isEmpty()) {
                report.errorIf(path + ".name", FieldForms.portName(name));
            }
            report.errorIf(path + ".protocol", FieldForms.protocol(FieldForms.text(p, "protocol")));
        }
        JsonNode endpoints = spec.path("endpoints");
        JsonNode addresses = spec.path("addresses");
        switch (resolution) {
            case "NONE" -> {
                if (spec.hasNonNull("workloadSelector")) {
                    report.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is NONE");
                }
            }
            case "STATIC" -> {
                for (int i = 0; i < endpoints.size(); i++) {
                    WorkloadRules.endpoint(report, "spec.endpoints[" + i + "]", endpoints.get(i), false, portNames);
                }
            }
            case "DNS", "DNS_ROUND_ROBIN" -> {
                for (int i = 0; i < endpoints.size(); i++) {
                    WorkloadRules.endpoint(report, "spec.endpoints[" + i + "]", endpoints.get(i), true, null);
                }
                if (!addresses.isEmpty() && hosts.size() > 1) {
                    for (JsonNode p : ports) {
                        if (FieldForms.isTcp(FieldForms.text(p, "protocol"))) {
                            report.warning("spec.hosts", "service entry can not have more than one host specified "
                                    + "simultaneously with address and tcp port");
                            break;
                        }
                    }
                }
            }
            case "DYNAMIC_DNS" -> dynamicDns(report, spec, useWaypoint);
            default -> {
                // the schema's enum
            }
        }
        if (!resolution.equals("NONE") && hosts.size() > 1) {
            for (int i = 0; i < ports.size(); i++) {
                String protocol = FieldForms.text(ports.path(i), "protocol");
                if (!FieldForms.isHttp(protocol) && !FieldForms.isTls(protocol)) {
                    report.error("spec.ports[" + i + "].protocol", "multiple hosts provided with non-HTTP, non-TLS ports");
                    break;
                }
            }
        }
        FieldForms.exportTo(report, spec.get("exportTo"), true, false);
    }

    /** DYNAMIC_DNS resolves each request's host: wildcard hosts only, no addresses or endpoints, HTTP or TLS ports. */
    private static void dynamicDns(Report report, JsonNode spec, String useWaypoint) {
        JsonNode hosts = spec.path("hosts");
        for (int i = 0; i < hosts.size(); i++) {
            if (!hosts.path(i).asText("").startsWith("*")) {
                report.error("spec.hosts[" + i + "]", "host must be wildcarded for resolution mode DYNAMIC_DNS");
            }
        }
        if (!spec.path("addresses").isEmpty()) {
            report.error("spec.addresses", "addresses cannot be set for resolution type DYNAMIC_DNS. HTTP route domains will "
                    + "only be generatedfrom the hosts field values");
        }
        if (!spec.path("endpoints").isEmpty()) {
            report.error("spec.endpoints", "endpoints cannot be set for resolution type DYNAMIC_DNS. Destination IP address "
                    + "determined from hostsfield values");
        }
        JsonNode ports = spec.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            String protocol = FieldForms.text(ports.path(i), "protocol").toLowerCase(Locale.ROOT);
            if (!DYNAMIC_DNS_PROTOCOLS.contains(protocol)) {
                report.error("spec.ports[" + i + "].protocol", "only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS");
            }
        }
        boolean waypoint = useWaypoint != null && !useWaypoint.isEmpty() && !useWaypoint.equalsIgnoreCase("none");
        if ("MESH_INTERNAL".equals(spec.path("location").asText()) && waypoint) {
            report.error("spec.location", "location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints");
        }
    }
}

package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Istio's rules of workload addresses and probes: {@code validateWorkloadEntry} for WorkloadEntries and the
 * endpoints of ServiceEntries, {@code ValidateWorkloadGroup} and {@code validateReadinessProbe}. The address
 * required, Unix socket forms and endpoint ports a ServiceEntry declares are {@link WorkloadValidators}' and
 * {@link ServiceEntryValidator}'s rules.
 */
final class WorkloadRules {
    private WorkloadRules() {
    }

    /**
     * An endpoint's address form, port names and labels.
     *
     * @param fqdnAllowed   whether a host name may stand for the address (not for STATIC ServiceEntries)
     * @param servicePorts  the ServiceEntry's port names, or null for a WorkloadEntry
     */
    static void endpoint(Report report, String path, JsonNode we, boolean fqdnAllowed, Set<String> servicePorts) {
        if (we == null || !we.isObject()) {
            return;
        }
        String addr = FieldForms.text(we, "address");
        if (addr.isEmpty() && !FieldForms.text(we, "network").isEmpty()) {
            report.warning(path + ".address", "address is unset with network " + Report.q(FieldForms.text(we, "network")));
        }
        boolean unix = addr.startsWith("unix://");
        if (!unix && !addr.isEmpty() && !HostForms.isIp(addr) && fqdnAllowed && HostForms.fqdn(addr) != null) {
            report.error(path + ".address", "endpoint address " + Report.q(addr) + " is not a valid FQDN or an IP address");
        }
        if (unix && servicePorts != null) { // a WorkloadEntry's socket: WorkloadValidators, in the CRD's wording
            report.errorIf(path + ".address", GatewayRules.unixAddress(addr.substring("unix://".length())));
            if (!we.path("ports").isEmpty()) {
                report.error(path + ".ports", "unix endpoint " + addr + " must not include ports");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = we.path("ports").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            report.errorIf(path + ".ports." + e.getKey(), FieldForms.portName(e.getKey()));
        }
        LabelForms.labels(report, path + ".labels", we.get("labels"));
        if (unix && servicePorts != null && servicePorts.size() != 1) {
            report.error(path + ".address", "exactly 1 service port required for unix endpoints");
        }
    }

    /** ValidateWorkloadGroup: the template's labels and the probe (the template is not a full WorkloadEntry). */
    static void workloadGroup(Report report, JsonNode spec) {
        JsonNode labels = spec.path("metadata").get("labels");
        LabelForms.labels(report, "spec.metadata.labels", labels, "invalid labels: ");
        probe(report, "spec.probe", spec.get("probe"));
    }

    private static void probe(Report report, String path, JsonNode probe) {
        if (probe == null || !probe.isObject()) {
            return;
        }
        for (String field : new String[] {"periodSeconds", "initialDelaySeconds", "timeoutSeconds", "successThreshold", "failureThreshold"}) {
            if (probe.path(field).asLong(0) < 0) {
                report.error(path + "." + field, field + " must be non-negative");
            }
        }
        JsonNode http = probe.get("httpGet");
        JsonNode tcp = probe.get("tcpSocket");
        JsonNode exec = probe.get("exec");
        if (http != null && http.isObject()) {
            // the port's range: the schema's port type
            String scheme = FieldForms.text(http, "scheme");
            if (!scheme.isEmpty() && !scheme.equals("HTTPS") && !scheme.equals("HTTP")) {
                report.error(path + ".httpGet.scheme", "httpGet.scheme must be one of \"HTTPS\", \"HTTP\"");
            }
            JsonNode headers = http.path("httpHeaders");
            for (int i = 0; i < headers.size(); i++) {
                String name = FieldForms.text(headers.path(i), "name");
                String p = path + ".httpGet.httpHeaders[" + i + "].name";
                if (name.isEmpty()) {
                    report.error(p, "header name cannot be empty");
                } else if (!name.matches("^[-A-Za-z0-9]+$")) {
                    report.error(p, "header name " + name + " is not a valid header name");
                }
            }
        } else if (tcp != null && tcp.isObject()) {
            return; // the port's range: the schema's port type
        } else if (exec != null && exec.isObject()) {
            if (exec.path("command").isEmpty()) {
                report.error(path + ".exec.command", "exec.command is required");
            }
        } else {
            // Istio's validation knows no gRPC probe for workload groups, though the API declares one
            report.error(path, "unknown health check method " + (probe.has("grpc") ? "*v1alpha3.ReadinessProbe_Grpc" : "<nil>"));
        }
    }
}

package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Kind;
import java.util.Map;
import java.util.regex.Pattern;

/** Field rules of WorkloadEntry and WorkloadGroup. */
final class WorkloadValidators {
    /** Port names are IANA service names: lowercase alphanumerics and dashes. */
    private static final Pattern PORT_NAME = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");

    private WorkloadValidators() {
    }

    static void register(Map<Kind, ResourceValidator> byKind) {
        byKind.put(Kind.WORKLOAD_ENTRY, (r, f) -> {
            workloadEntry(r, PolicyRules.spec(r), "spec", true, f);
            WorkloadRules.endpoint(new Report(r, f), "spec", PolicyRules.spec(r), true, null);
        });
        byKind.put(Kind.WORKLOAD_GROUP, (r, f) -> {
            workloadEntry(r, PolicyRules.spec(r).path("template"), "spec.template", false, f);
            WorkloadRules.workloadGroup(new Report(r, f), PolicyRules.spec(r));
        });
    }

    /** A workload address: an IP, a hostname or a unix domain socket ({@code unix:///path}, {@code unix://@abstract}). */
    static void workloadEntry(LoadedResource r, JsonNode we, String path, boolean addressRequired, Findings f) {
        String address = we.path("address").asText("");
        JsonNode ports = we.path("ports");
        // an entry in another network may leave its address out: traffic goes through that network's gateway
        if (address.isEmpty() && addressRequired && we.path("network").asText("").isEmpty()) {
            f.error(r, Findings.SCHEMA, path + ".address", "Address is required");
        }
        if (address.startsWith("unix://")) {
            String socket = address.substring("unix://".length());
            if (!socket.startsWith("/") && !socket.startsWith("@")) {
                f.error(r, Findings.SCHEMA, path + ".address", "UDS must be an absolute path or abstract socket");
            } else if (socket.endsWith("/")) {
                f.error(r, Findings.SCHEMA, path + ".address", "UDS may not be a dir");
            }
            if (!ports.isEmpty()) {
                f.error(r, Findings.SCHEMA, path + ".ports", "UDS may not include ports");
            }
        }
        ports.fieldNames().forEachRemaining(name -> {
            if (!PORT_NAME.matcher(name).matches()) {
                f.error(r, Findings.SCHEMA, path + ".ports", "Invalid value: \"" + name + "\": port names are letters, digits and dashes");
            }
        });
    }
}

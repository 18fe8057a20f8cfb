package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;

/** Istio's validateDestination: a route, mirror or egress proxy destination names a host (no {@code *}) and a subset label. */
final class DestinationForms {
    private DestinationForms() {
    }

    static void destination(Report report, String path, JsonNode d) {
        if (d == null || !d.isObject()) {
            return;
        }
        String host = FieldForms.text(d, "host");
        if (host.equals("*")) {
            report.error(path + ".host", "invalid destination host " + host);
        } else if (!host.isEmpty()) { // a missing host: the schema's Required value
            report.errorIf(path + ".host", HostForms.wildcardDomain(host));
        }
        String subset = FieldForms.text(d, "subset");
        if (!subset.isEmpty() && !HostForms.isDns1123Label(subset)) {
            report.error(path + ".subset", "subset name is invalid: " + subset);
        }
        // port.number in 1..65535: the schema's port type
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.ServiceEntry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * ServiceEntry rules beyond the schema, as Istio's validation states them: host forms, selector or endpoints,
 * what each resolution allows, unique port names and numbers, endpoints on declared ports.
 */
public final class ServiceEntryValidator implements ResourceValidator {

    @Override
    public void validate(LoadedResource r, Findings f) {
        ServiceEntry se = (ServiceEntry) r.resource().spec();
        var tree = PolicyRules.spec(r);
        ServiceEntryRules.check(new Report(r, f), tree, r.resource().metadata().labels().get("istio.io/use-waypoint"));
        for (int i = 0; i < se.hosts().size(); i++) {
            String h = se.hosts().get(i);
            if (h == null || h.isBlank()) {
                f.error(r, Findings.SCHEMA, "spec.hosts[" + i + "]", "host must not be empty");
            } else if (h.equals("*")) {
                f.error(r, Findings.SCHEMA, "spec.hosts[" + i + "]", "hostname cannot be wildcard");
            }
        }
        String resolution = se.resolution() == null ? "NONE" : se.resolution();
        var selector = tree.path("workloadSelector");
        selector.path("labels").fields().forEachRemaining(e -> {
            if (e.getKey().contains("*") || e.getValue().asText().contains("*")) {
                f.error(r, Findings.SCHEMA, "spec.workloadSelector.labels." + e.getKey(), "wildcard is not supported in selector");
            }
        });
        if (tree.has("workloadSelector") && !se.endpoints().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec", "only one of WorkloadSelector or Endpoints can be set");
        }
        var addresses = tree.path("addresses");
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.path(i).asText();
            int slash = address.indexOf('/');
            if (!Checks.isIp(slash < 0 ? address : address.substring(0, slash))
                    || (slash >= 0 && !validPrefixLength(address.substring(slash + 1), address.contains(":")))) {
                f.error(r, Findings.SCHEMA, "spec.addresses[" + i + "]", "\"" + address
                        + "\" is not an IP address or CIDR range (e.g. 10.0.0.7 or 10.0.0.0/16)");
            } else if (slash >= 0 && !(resolution.equals("NONE") || resolution.equals("STATIC"))) {
                f.error(r, Findings.SCHEMA, "spec.addresses[" + i + "]", "CIDR addresses are allowed only for NONE/STATIC resolution types");
            }
        }
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < se.ports().size(); i++) {
            ServiceEntry.ServicePort p = se.ports().get(i);
            if (p.name() != null && !names.add(p.name())) {
                f.error(r, Findings.SCHEMA, "spec.ports[" + i + "].name", "Duplicate value: \"" + p.name() + "\"");
            }
            if (p.number() != null && !numbers.add(p.number())) {
                f.error(r, Findings.SCHEMA, "spec.ports[" + i + "].number", "port number cannot be duplicated: " + p.number());
            }
        }
        if (resolution.equals("NONE") && !se.endpoints().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.endpoints", "NONE mode cannot set endpoints");
        }
        if (resolution.equals("DNS_ROUND_ROBIN") && se.endpoints().size() > 1) {
            f.error(r, Findings.SCHEMA, "spec.endpoints", "DNS_ROUND_ROBIN mode cannot have multiple endpoints");
        }
        if ((resolution.equals("DNS") || resolution.equals("DNS_ROUND_ROBIN")) && se.endpoints().isEmpty()) {
            // the hosts themselves are resolved: each must be a name DNS can answer (Istio reports the first only)
            for (int i = 0; i < se.hosts().size(); i++) {
                String host = se.hosts().get(i);
                String problem = host == null ? null : HostForms.fqdn(host);
                if (problem != null) {
                    f.error(r, Findings.SCHEMA, "spec.hosts[" + i + "]", "hosts must be FQDN or contain only prefix wildcards "
                            + "if no endpoints are provided for resolution mode " + resolution + ", " + problem);
                    break;
                }
            }
        }
        for (int i = 0; i < se.endpoints().size(); i++) {
            endpoint(r, f, "spec.endpoints[" + i + "]", se.endpoints().get(i), names, resolution);
        }
        if (resolution.equals("DNS") && se.endpoints().size() > 1) {
            f.warning(r, "STR0006", "spec.endpoints", "proxyless gRPC clients resolve one name per cluster: they use "
                    + "only the first endpoint; Envoy proxies resolve them all");
        }
        if (resolution.equals("NONE")) {
            f.warning(r, "STR0006", "spec.resolution", "proxyless gRPC clients cannot pass calls through to the "
                    + "address they dialled: resolution NONE services are unreachable from them; Envoy proxies forward "
                    + "to the original destination");
        }
    }

    private static boolean validPrefixLength(String length, boolean ipv6) {
        return length.matches("\\d{1,3}") && Integer.parseInt(length) <= (ipv6 ? 128 : 32);
    }

    private void endpoint(LoadedResource r, Findings f, String path, ServiceEntry.WorkloadEntry e, Set<String> portNames,
                          String resolution) {
        if (e.address() == null || e.address().isBlank()) {
            f.error(r, Findings.SCHEMA, path + ".address", "Address is required");
            return;
        }
        if (resolution.equals("STATIC") && !Checks.isIp(e.address()) && !e.address().startsWith("unix://")) {
            f.error(r, Findings.SCHEMA, path + ".address", "\"" + e.address()
                    + "\" is not an IP address, which resolution STATIC requires (use resolution DNS for host names)");
        }
        for (Map.Entry<String, Integer> port : e.ports().entrySet()) {
            if (!portNames.contains(port.getKey())) {
                f.error(r, Findings.SCHEMA, path + ".ports." + port.getKey(),
                        "endpoint port \"" + port.getKey() + "\" is not defined by the service entry's ports");
            }
        }
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.ServiceEntry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** ServiceEntry fields: hosts, named ports, resolution and location enums, static endpoints. */
public final class ServiceEntryValidator implements ResourceValidator {
    private static final Set<String> RESOLUTIONS = Set.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN");
    private static final Set<String> LOCATIONS = Set.of("MESH_EXTERNAL", "MESH_INTERNAL");

    @Override
    public void validate(LoadedResource r, Findings f) {
        ServiceEntry se = (ServiceEntry) r.resource().spec();
        if (se.hosts().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.hosts", "at least one host is required");
        }
        for (int i = 0; i < se.hosts().size(); i++) {
            String h = se.hosts().get(i);
            if (h == null || h.isBlank()) {
                f.error(r, Findings.SCHEMA, "spec.hosts[" + i + "]", "host must not be empty");
            }
        }
        if (se.ports().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.ports", "at least one port is required");
        }
        Set<String> portNames = new HashSet<>();
        Set<Integer> portNumbers = new HashSet<>();
        for (int i = 0; i < se.ports().size(); i++) {
            String path = "spec.ports[" + i + "]";
            ServiceEntry.ServicePort p = se.ports().get(i);
            if (p == null) {
                f.error(r, Findings.SCHEMA, path, "port must not be empty");
                continue;
            }
            Checks.port(r, f, path + ".number", p.number());
            if (p.number() != null && !portNumbers.add(p.number())) {
                f.error(r, Findings.SCHEMA, path + ".number", "port number " + p.number() + " is declared twice");
            }
            if (p.name() == null || p.name().isBlank()) {
                f.error(r, Findings.SCHEMA, path + ".name", "port name is required");
            } else if (!portNames.add(p.name())) {
                f.error(r, Findings.SCHEMA, path + ".name", "port name \"" + p.name() + "\" is declared twice");
            }
            if (p.targetPort() != null) {
                Checks.port(r, f, path + ".targetPort", p.targetPort());
            }
        }
        String resolution = se.resolution() == null ? "NONE" : se.resolution();
        if (!RESOLUTIONS.contains(resolution)) {
            f.error(r, Findings.SCHEMA, "spec.resolution", "unknown resolution \"" + resolution + "\"; use one of " + RESOLUTIONS);
        } else if (!resolution.equals("STATIC") && !se.endpoints().isEmpty()) {
            f.warning(r, "STR0004", "spec.resolution", "resolution " + resolution
                    + " is not translated by this version of Strait; its endpoints are not sent to proxies");
        }
        if (se.location() != null && !LOCATIONS.contains(se.location())) {
            f.error(r, Findings.SCHEMA, "spec.location", "unknown location \"" + se.location() + "\"; use one of " + LOCATIONS);
        }
        if (resolution.equals("STATIC") && se.endpoints().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.endpoints", "resolution STATIC needs endpoints");
        }
        for (int i = 0; i < se.endpoints().size(); i++) {
            endpoint(r, f, "spec.endpoints[" + i + "]", se.endpoints().get(i), portNames, resolution);
        }
    }

    private void endpoint(LoadedResource r, Findings f, String path, ServiceEntry.WorkloadEntry e, Set<String> portNames,
                          String resolution) {
        if (e == null || e.address() == null || e.address().isBlank()) {
            f.error(r, Findings.SCHEMA, path + ".address", "endpoint address is required");
            return;
        }
        if (resolution.equals("STATIC") && !Checks.isIp(e.address())) {
            f.error(r, Findings.SCHEMA, path + ".address", "\"" + e.address() + "\" is not an IP address, which resolution STATIC requires");
        }
        for (Map.Entry<String, Integer> port : e.ports().entrySet()) {
            String p = path + ".ports." + port.getKey();
            if (!portNames.contains(port.getKey())) {
                f.error(r, Findings.SCHEMA, p, "\"" + port.getKey() + "\" is not the name of a port of this ServiceEntry");
            }
            Checks.port(r, f, p, port.getValue());
        }
        if (e.weight() != null && e.weight() < 0) {
            f.error(r, Findings.SCHEMA, path + ".weight", "weight must not be negative");
        }
    }
}

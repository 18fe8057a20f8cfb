package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Istio's {@code ValidateMeshNetworks} over the {@code meshNetworks} field of a MeshConfig document (Strait's place for
 * istiod's MeshNetworks): every endpoint selector is one of a {@code fromCidr} block (an IP or a CIDR) or a
 * {@code fromRegistry} name (a DNS-1123 label); every gateway one of a {@code registryServiceName} (an FQDN) or an
 * {@code address} (an IP: Strait, like istiod without {@code RESOLVE_HOSTNAME_GATEWAYS}, does not resolve gateway
 * names), with a port in 1..65535. Setting both or neither of a pair is an error too, as the proto's {@code oneof} makes it.
 * The schema has already checked the types.
 */
final class MeshNetworksRules {
    private MeshNetworksRules() {
    }

    static void check(Report report, JsonNode meshNetworks) {
        if (meshNetworks == null || !meshNetworks.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meshNetworks.path("networks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> network = it.next();
            String path = "meshNetworks.networks." + network.getKey();
            String prefix = "invalid network " + network.getKey() + ": ";
            JsonNode endpoints = network.getValue().path("endpoints");
            for (int i = 0; i < endpoints.size(); i++) {
                endpoint(report, path + ".endpoints[" + i + "]", prefix, endpoints.get(i));
            }
            JsonNode gateways = network.getValue().path("gateways");
            for (int i = 0; i < gateways.size(); i++) {
                gateway(report, path + ".gateways[" + i + "]", prefix, gateways.get(i));
            }
        }
    }

    private static void endpoint(Report report, String path, String prefix, JsonNode e) {
        String cidr = e.path("fromCidr").asText("");
        String registry = e.path("fromRegistry").asText("");
        if (cidr.isEmpty() == registry.isEmpty()) {
            report.error(path, prefix + "an endpoints entry sets exactly one of fromCidr (an IP block) or fromRegistry "
                    + "(a cluster id)");
            return;
        }
        if (!cidr.isEmpty()) {
            String error = HostForms.ipSubnet(cidr);
            if (error != null) {
                report.error(path + ".fromCidr", prefix + error);
            }
        } else if (!HostForms.isDns1123Label(registry)) {
            report.error(path + ".fromRegistry", prefix + "invalid registry name: " + registry);
        }
    }

    private static void gateway(Report report, String path, String prefix, JsonNode g) {
        String service = g.path("registryServiceName").asText("");
        String address = g.path("address").asText("");
        if (service.isEmpty() == address.isEmpty()) {
            report.error(path, prefix + "a gateway sets exactly one of address (its IP) or registryServiceName "
                    + "(the host of its Service)");
        } else if (!service.isEmpty()) {
            String error = HostForms.fqdn(service);
            if (error != null) {
                report.error(path + ".registryServiceName", prefix + error);
            }
        } else if (HostForms.ipAddress(address) != null) {
            report.error(path + ".address", prefix + HostForms.ipAddress(address)
                    + " (Strait does not resolve gateway host names: give the gateway's IP)");
        }
        long port = g.path("port").asLong(0);
        if (port < 1 || port > 65535) {
            report.error(path + ".port", prefix + "port number " + port + " must be in the range 1..65535");
        }
    }
}

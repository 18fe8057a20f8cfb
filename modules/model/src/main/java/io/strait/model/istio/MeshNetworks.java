package io.strait.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.json.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio's MeshNetworks ({@code mesh/v1alpha1/network.proto}, the {@code meshNetworks} key of istiod's ConfigMap):
 * the networks of the mesh, which endpoints belong to each ({@code fromCidr}, {@code fromRegistry}) and the gateways
 * through which the other networks reach them. Strait reads it from the {@code meshNetworks} field of the MeshConfig
 * document ({@code mesh.yaml}), so the whole mesh's settings stay in one versioned file.
 *
 * @param networks the networks by name, sorted
 */
public record MeshNetworks(Map<String, Network> networks) {
    /** No networks declared: every endpoint is in the proxy's own network unless it says otherwise. */
    public static final MeshNetworks NONE = new MeshNetworks(Map.of());

    public MeshNetworks {
        networks = networks == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(networks));
    }

    /**
     * One network: which endpoints are in it and its gateways.
     *
     * @param endpoints the endpoint selectors (each one of {@code fromCidr} or {@code fromRegistry})
     * @param gateways  the gateways other networks reach this one through
     */
    public record Network(List<NetworkEndpoints> endpoints, List<NetworkGateway> gateways) {
        public Network {
            endpoints = Lists.copy(endpoints);
            gateways = Lists.copy(gateways);
        }
    }

    /**
     * Endpoints of a network: those whose address is in {@code fromCidr}, or those of the registry (cluster id)
     * {@code fromRegistry}.
     */
    public record NetworkEndpoints(String fromCidr, String fromRegistry) {
    }

    /**
     * A gateway of a network: a fixed {@code address} (an IP), or the service {@code registryServiceName} (a host of
     * the mesh's registry, whose addresses the gateway takes), and the {@code port} that accepts mesh mTLS (15443).
     */
    public record NetworkGateway(String registryServiceName, String address, Integer port, String locality) {
    }

    /** The MeshNetworks of a {@code meshNetworks} tree; {@link #NONE} when absent or not readable (validation says why). */
    static MeshNetworks of(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return NONE;
        }
        try {
            return Json.MAPPER.treeToValue(tree, MeshNetworks.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return NONE;
        }
    }
}

package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.DestinationRules;
import io.strait.model.mesh.MeshModel;
import io.strait.model.mesh.Networks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The endpoints of a cluster: the ServiceEntry's endpoints whose labels include the subset's, on the endpoint's own
 * port for the service port's name (or the target port, or the service port), grouped by locality. For STATIC
 * resolution they are IPs, served by EDS; for DNS resolution they are names the proxy resolves (the service host
 * itself when the entry lists none), carried in the cluster. NONE resolution has no endpoints.
 *
 * <p>In a multi-network mesh each locality's endpoints are those a caller in its network reaches
 * ({@link SplitHorizon}), and the assignment is named for that network ({@link EdsNames}).
 */
final class Endpoints {
    private Endpoints() {
    }

    /** Who the endpoints are for: a caller (split horizon) or the east-west gateway's SNI-DNAT clusters. */
    enum View { CALLER, EAST_WEST_GATEWAY }

    /**
     * The assignment for a caller in {@code callerLocality} and {@code network} ("" when networks change nothing) that
     * resolves DestinationRules as {@code rules} do, arranged by the cluster's {@code localityLbSetting}.
     */
    static ClusterLoadAssignment of(ClusterRef ref, MeshModel model, String callerLocality, String network,
                                    DestinationRules.View rules) {
        return build(ref, EdsNames.of(ref.name(), network, EdsNames.ruleOf(model, rules, ref.host())), model, callerLocality,
                network, View.CALLER, rules.forHost(ref.host()).orElse(null));
    }

    /**
     * The assignment served by {@code name} (a caller's, see {@link EdsNames}): the host's DestinationRule is the
     * name's rule part, or the one a namespace no rule names resolves.
     */
    static ClusterLoadAssignment byName(ClusterRef ref, String name, MeshModel model) {
        String rule = EdsNames.ruleOf(name);
        DestinationRules.Resolved resolved = rule.isEmpty()
                ? model.destinationRules().shared().forHost(ref.host()).orElse(null)
                : model.destinationRules().byId(rule).orElse(null); // none, or a rule gone since: no rule
        return build(ref, name, model, "", EdsNames.networkOf(name), View.CALLER, resolved);
    }

    /**
     * The assignment of an SNI-DNAT cluster ({@code outbound_.<port>_.<subset>_.<host>}) of an east-west gateway in
     * {@code network}: the endpoints of its own network that take mTLS, as Istio filters them for AUTO_PASSTHROUGH.
     */
    static ClusterLoadAssignment eastWest(ClusterRef ref, MeshModel model, String network) {
        return build(ref, EdsNames.of(ref.sniName(), network), model, "", network, View.EAST_WEST_GATEWAY,
                model.destinationRules().shared().forHost(ref.host()).orElse(null));
    }

    private static ClusterLoadAssignment build(ClusterRef ref, String name, MeshModel model, String callerLocality,
                                               String network, View view, DestinationRules.Resolved rule) {
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(name);
        MeshModel.Service service = model.service(ref.host()).orElse(null);
        String resolution = service == null ? null : service.entry().resolution();
        if (service == null || !List.of("STATIC", "DNS", "DNS_ROUND_ROBIN").contains(resolution)) {
            return cla.build();
        }
        ServiceEntry.ServicePort port = service.port(ref.port()).orElse(null);
        Map<String, String> selector = ref.subset() == null ? Map.of()
                : Optional.ofNullable(rule).flatMap(r -> r.subset(ref.subset())).map(DestinationRule.Subset::labels).orElse(Map.of());
        Map<String, List<SplitHorizon.Candidate>> byLocality = new TreeMap<>();
        List<ServiceEntry.WorkloadEntry> endpoints = model.endpointsOf(service);
        if (endpoints.isEmpty() && !resolution.equals("STATIC") && service.entry().workloadSelector() == null) {
            // DNS without endpoints: the proxy resolves the service's own name
            endpoints = List.of(new ServiceEntry.WorkloadEntry(service.host(), Map.of(), Map.of(), null, null, null, null));
        }
        Networks networks = model.networks();
        ClusterPolicy policy = ClusterPolicy.of(ref, model, rule);
        for (ServiceEntry.WorkloadEntry e : endpoints) {
            if (port == null || !e.labels().entrySet().containsAll(selector.entrySet())) {
                continue;
            }
            int target = e.ports().getOrDefault(port.name(), port.targetPort() != null ? port.targetPort() : port.number());
            int weight = e.weight() == null || e.weight() == 0 ? 1 : e.weight();
            String locality = e.locality() == null ? "" : e.locality();
            LbEndpoint.Builder lbEndpoint = LbEndpoint.newBuilder();
            Map<String, String> socketMatch = ClusterMtls.socketMatchMetadata(e.labels());
            if (!socketMatch.isEmpty()) {
                // what the cluster's transport_socket_matches select on (auto mTLS)
                lbEndpoint.setMetadata(socketMatch(socketMatch));
            }
            // a registry endpoint whose pod is terminating: no new requests (Istio sends it DRAINING)
            lbEndpoint.setHealthStatus(io.strait.model.mesh.ServiceRegistry.DRAINING.equals(
                            e.labels().get(io.strait.model.mesh.ServiceRegistry.HEALTH_LABEL)) ? HealthStatus.DRAINING : HealthStatus.HEALTHY)
                    .setLoadBalancingWeight(UInt32Value.of(weight))
                    .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                            SocketAddress.newBuilder().setAddress(e.address()).setPortValue(target))));
            // whether mTLS is used only matters when a gateway may stand in for the endpoint (or is the caller)
            boolean mtls = (networks.multiNetwork() || view == View.EAST_WEST_GATEWAY)
                    && ClusterMtls.usesMtls(model, service, policy, e, target);
            byLocality.computeIfAbsent(locality, l -> new ArrayList<>())
                    .add(new SplitHorizon.Candidate(lbEndpoint.build(), networks.networkOf(e), mtls));
        }
        Map<String, LocalityLbEndpoints.Builder> groups = new TreeMap<>();
        byLocality.forEach((locality, candidates) -> {
            List<LbEndpoint> kept = view == View.EAST_WEST_GATEWAY ? SplitHorizon.localOnly(candidates, network)
                    : SplitHorizon.filter(candidates, networks, network);
            if (kept.isEmpty()) {
                return; // a locality without endpoints (gRPC and Envoy want each weighted above 0)
            }
            LocalityLbEndpoints.Builder group = locality(locality).addAllLbEndpoints(kept);
            // gRPC ignores a locality without a positive weight: weigh each by the sum of its endpoints
            long sum = kept.stream().mapToLong(l -> l.getLoadBalancingWeight().getValue()).sum();
            group.setLoadBalancingWeight(UInt32Value.of((int) Math.min(sum, Integer.MAX_VALUE)));
            groups.put(locality, group);
        });
        var lb = policy.loadBalancer();
        cla.addAllEndpoints(LocalityLoadBalancing.arrange(lb == null ? null : lb.localityLbSetting(), callerLocality, groups));
        return cla.build();
    }

    /** Endpoint metadata a cluster's {@code transport_socket_matches} select on. */
    static io.envoyproxy.envoy.config.core.v3.Metadata socketMatch(Map<String, String> fields) {
        com.google.protobuf.Struct.Builder match = com.google.protobuf.Struct.newBuilder();
        fields.forEach((k, v) -> match.putFields(k, com.google.protobuf.Value.newBuilder().setStringValue(v).build()));
        return io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder()
                .putFilterMetadata(ClusterMtls.TRANSPORT_SOCKET_MATCH, match.build()).build();
    }

    private static LocalityLbEndpoints.Builder locality(String spec) {
        String[] parts = spec.split("/", 3);
        Locality.Builder l = Locality.newBuilder();
        if (!spec.isEmpty()) {
            l.setRegion(parts[0]);
            if (parts.length > 1) {
                l.setZone(parts[1]);
            }
            if (parts.length > 2) {
                l.setSubZone(parts[2]);
            }
        }
        return LocalityLbEndpoints.newBuilder().setLocality(l);
    }
}

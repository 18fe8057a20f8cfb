package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.strait.model.mesh.Networks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Split-horizon EDS (Istio's {@code EndpointsByNetworkFilter}): the endpoints of one locality as a caller in
 * {@code network} reaches them. In a mesh with one network (no gateways) nothing changes. Otherwise every weight is
 * scaled by {@link Networks#scaleFactor} and, per endpoint:
 * <ul>
 *   <li>in the caller's network, or in none: kept (a caller that gives no network is taken to be in every network,
 *   except that endpoints of a network with a gateway are reached through it, as Istio does);</li>
 *   <li>in another network with gateways: replaced by those gateways, each weighted by its share of the endpoints it
 *   stands for (their summed weight split evenly among the network's gateways), if the caller would use mTLS to the
 *   endpoint — the gateway routes by the mTLS SNI, so plain-text endpoints cannot be reached through it;</li>
 *   <li>in another network without a gateway: dropped. Istio keeps these for sidecars (a direct address that in
 *   practice is not reachable) and drops them in ambient mode; Strait drops them, so a caller never picks an address
 *   it cannot reach.</li>
 * </ul>
 * Gateway endpoints carry the {@code tlsMode: istio} socket match, so auto mTLS picks the mesh TLS context for them.
 * The east-west gateway's own clusters use {@link #localOnly}.
 */
final class SplitHorizon {
    private SplitHorizon() {
    }

    /**
     * One endpoint before the filter.
     *
     * @param endpoint the endpoint as built for a caller in its network
     * @param network  its network ("" for none)
     * @param mtls     whether the caller would use mesh mTLS to it (Istio's {@code tlsMode} endpoint metadata)
     */
    record Candidate(LbEndpoint endpoint, String network, boolean mtls) {
    }

    /** The endpoints of one locality for a caller in {@code callerNetwork}. */
    static List<LbEndpoint> filter(List<Candidate> locality, Networks networks, String callerNetwork) {
        if (!networks.multiNetwork()) {
            return locality.stream().map(Candidate::endpoint).toList();
        }
        long scale = networks.scaleFactor();
        List<LbEndpoint> out = new ArrayList<>();
        Map<Networks.Gateway, Long> gatewayWeights = new TreeMap<>(Networks.Gateway.ORDER);
        for (Candidate c : locality) {
            long weight = scaled(c.endpoint(), scale);
            List<Networks.Gateway> gateways = c.network().isEmpty() ? List.of() : networks.gatewaysOf(c.network());
            boolean sameNetwork = c.network().isEmpty() || callerNetwork.isEmpty() || c.network().equals(callerNetwork);
            boolean forceGateway = callerNetwork.isEmpty() && !gateways.isEmpty();
            if (sameNetwork && !forceGateway) {
                out.add(c.endpoint().toBuilder().setLoadBalancingWeight(UInt32Value.of((int) weight)).build());
                continue;
            }
            if (gateways.isEmpty() || !c.mtls()) {
                continue; // no way in from here, or no SNI a gateway could route by
            }
            long share = weight / gateways.size();
            gateways.forEach(g -> gatewayWeights.merge(g, share, Long::sum));
        }
        gatewayWeights.forEach((g, weight) -> out.add(gatewayEndpoint(g, weight)));
        return out;
    }

    /** The east-west gateway's view: the endpoints of its own network (or of none) that take mTLS, unscaled. */
    static List<LbEndpoint> localOnly(List<Candidate> locality, String gatewayNetwork) {
        return locality.stream()
                .filter(c -> c.mtls() && (c.network().isEmpty() || gatewayNetwork.isEmpty() || c.network().equals(gatewayNetwork)))
                .map(Candidate::endpoint).toList();
    }

    private static long scaled(LbEndpoint e, long scale) {
        long w = e.hasLoadBalancingWeight() && e.getLoadBalancingWeight().getValue() > 0 ? e.getLoadBalancingWeight().getValue() : 1;
        return Math.min(w * scale, Integer.MAX_VALUE);
    }

    private static LbEndpoint gatewayEndpoint(Networks.Gateway g, long weight) {
        return LbEndpoint.newBuilder()
                .setMetadata(Endpoints.socketMatch(Map.of("tlsMode", "istio")))
                .setHealthStatus(HealthStatus.HEALTHY)
                .setLoadBalancingWeight(UInt32Value.of((int) Math.max(1, Math.min(weight, Integer.MAX_VALUE))))
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress(g.address()).setPortValue(g.port()))))
                .build();
    }
}

package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.Gateway;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An east-west gateway: a Gateway server with {@code tls.mode: AUTO_PASSTHROUGH} (Istio's
 * {@code samples/multicluster/expose-services.yaml}: port 15443, hosts {@code *.local}). Its listener gets, for every
 * service port it can see whose host its server's hosts cover (not MESH_EXTERNAL, not UDP, not passthrough services
 * without endpoints), one filter chain matching the SNI {@code outbound_.<port>_.<subset>_.<host>} (without and with
 * each DestinationRule subset) and Istio's mesh-mTLS ALPNs, a TCP proxy to the SNI-DNAT cluster of that same name.
 * The gateway never decrypts: the sidecar's mTLS goes through to the workload, and the SNI says where.
 *
 * <p>The SNI-DNAT clusters are the outbound cluster's (load balancing, connection pool, outlier detection) without
 * any TLS of their own, as Istio's {@code buildOutboundSniDnatClusters}; their endpoints are the gateway's own
 * network's that take mTLS ({@link Endpoints#eastWest}) — only mTLS endpoints, because the gateway cannot tell a
 * plain-text client from a mesh one, and only local ones, so traffic never bounces from gateway to gateway.
 */
final class EastWestGateway {
    /** Istio's {@code allIstioMtlsALPNs}: what a sidecar's mesh mTLS offers. */
    static final List<String> MESH_MTLS_ALPNS = List.of("istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2");

    private EastWestGateway() {
    }

    /** Whether a server is an AUTO_PASSTHROUGH one. */
    static boolean autoPassthrough(Gateway.Server s) {
        return s.tls() != null && "AUTO_PASSTHROUGH".equals(s.tls().mode());
    }

    /**
     * The filter chains of an AUTO_PASSTHROUGH server, one per SNI not yet {@code taken} on the listener, adding the
     * clusters they name to {@code sniDnat}.
     */
    static List<FilterChain> chains(Gateway.Server server, List<MeshModel.Service> visible, MeshModel model,
                                    Set<String> taken, Set<ClusterRef> sniDnat) {
        List<FilterChain> out = new ArrayList<>();
        for (MeshModel.Service service : visible) {
            if ("MESH_EXTERNAL".equals(service.entry().location()) || "NONE".equals(service.entry().resolution())
                    || server.dnsNames().stream().noneMatch(h -> service.host().equals(GatewayListeners.intersection(service.host(), h)))) {
                continue;
            }
            List<String> subsets = new ArrayList<>();
            subsets.add(null);
            model.destinationRule(service.host()).map(DestinationRule::subsets).orElse(List.of()).stream()
                    .filter(s -> s != null && s.name() != null).forEach(s -> subsets.add(s.name()));
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                if (port == null || port.number() == null || "UDP".equals(port.declaredProtocol())) {
                    continue;
                }
                for (String subset : subsets) {
                    ClusterRef ref = new ClusterRef(service.host(), port.number(), subset);
                    String sni = ref.sniName();
                    if (!taken.add(sni)) {
                        continue; // Envoy refuses two chains with the same match
                    }
                    sniDnat.add(ref);
                    out.add(FilterChain.newBuilder().setName(sni)
                            .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(sni)
                                    .addAllApplicationProtocols(MESH_MTLS_ALPNS))
                            .addFilters(Listeners.tcpProxy(sni)).build());
                }
            }
        }
        return out;
    }

    /**
     * The SNI-DNAT cluster for {@code ref} at a gateway in {@code network} ("" when networks change nothing): the
     * outbound cluster renamed, without TLS, its assignment the gateway's local view.
     */
    static Cluster cluster(ClusterRef ref, MeshModel model, String network) {
        Cluster outbound = Clusters.of(ref, model, ProxyType.ROUTER, "", network, model.destinationRules().shared());
        Cluster.Builder c = outbound.toBuilder().setName(ref.sniName()).clearTransportSocket().clearTransportSocketMatches();
        if (outbound.getType() == Cluster.DiscoveryType.EDS) {
            c.setEdsClusterConfig(outbound.getEdsClusterConfig().toBuilder().setServiceName(EdsNames.of(ref.sniName(), network)));
        } else if (outbound.hasLoadAssignment()) {
            ClusterLoadAssignment local = Endpoints.eastWest(ref, model, network).toBuilder().setClusterName(ref.sniName()).build();
            c.setLoadAssignment(Clusters.inline(local, outbound.getType() == Cluster.DiscoveryType.LOGICAL_DNS));
        }
        return c.build();
    }
}

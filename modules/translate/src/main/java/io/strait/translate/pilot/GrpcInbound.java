package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.translate.pilot.authz.InboundAuthz;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The inbound listeners of a proxyless gRPC server (grpc-java's {@code XdsServerBuilder}), as Istio's grpcgen builds
 * them: for each port it listens on ({@link #ports}), a listener {@code xds.istio.io/grpc/lds/inbound/0.0.0.0:<port>}
 * — the name the server asks for with Istio's {@code server_listener_resource_name_template} — on 0.0.0.0 and that
 * port, with one filter chain.
 *
 * <p>gRPC's rules (A36, A29) shape it: no {@code listener_filters} and no {@code use_original_dst}, exactly one
 * connection manager whose routes are inline and end in a non-forwarding action, the router last; filter chain
 * matches cannot tell TLS from plain text, so a port takes one of them. STRICT is mTLS with a client certificate
 * required (certificate provider {@code default}, no {@code tls_params}, no SAN matcher — gRPC servers refuse
 * both); DISABLE and PERMISSIVE are plain text, as in Istio — except, as in Istio, PERMISSIVE on a workload
 * labelled {@code security.istio.io/tlsMode: istio}, whose clients' auto mTLS sends mTLS, is STRICT. Its
 * AuthorizationPolicies are grpc-java's RBAC filters, failing closed where gRPC cannot enforce a rule
 * ({@link InboundAuthz#grpc}).
 */
final class GrpcInbound {
    static final String LISTENER_PREFIX = "xds.istio.io/grpc/lds/inbound/";

    private GrpcInbound() {
    }

    static List<Listener> of(MeshModel model, ProxyIdentity proxy) {
        SortedSet<Integer> ports = ports(model, proxy);
        PeerAuthentications.Effective mtls = PeerAuthentications.of(model, proxy.namespace(), proxy.labels());
        boolean autoMtlsLabelled = "istio".equals(proxy.labels().get(ClusterMtls.TLS_MODE_LABEL));
        List<HttpFilter> filters = HttpFilters.grpcInbound(InboundAuthz.of(model, proxy.namespace(), proxy.labels()));
        return ports.stream().map(port -> {
            PeerAuthentications.Mode mode = mtls.at(port);
            if (mode == PeerAuthentications.Mode.PERMISSIVE) {
                mode = autoMtlsLabelled ? PeerAuthentications.Mode.STRICT : PeerAuthentications.Mode.DISABLE;
            }
            return listener(port, mode == PeerAuthentications.Mode.STRICT, filters);
        }).toList();
    }

    /**
     * The ports a gRPC server listens on, as Istio reads them from the proxy's own service targets: for each port of
     * each ServiceEntry selecting it, the port of each of the service's endpoints that is this proxy's — a
     * WorkloadEntry whose labels are all among the proxy's ({@link MeshModel#isOwnEndpoint}) — by the port's name
     * ({@code ports: {grpc: 19081}}), else the target port, else the number; when none of its endpoints is the
     * proxy's (the proxy registered before its WorkloadEntry, or carries labels none of them has), the service port's
     * target port. So three versions of one host, each a WorkloadEntry on its own port, get a listener each on theirs.
     *
     * <p>Istio finds a proxy's targets by its IP; Strait matches by labels alone because the IP is not part of the
     * scope: proxies with equal labels share one translation, so an IP-dependent listener set would follow whichever
     * of them registered first. Replicas with equal labels on different ports get the union, which is harmless: a
     * server asks only for the listener of its own port by name.
     */
    static SortedSet<Integer> ports(MeshModel model, ProxyIdentity proxy) {
        SortedSet<Integer> ports = new TreeSet<>();
        for (MeshModel.Service service : model.servicesSelecting(proxy)) {
            List<ServiceEntry.WorkloadEntry> own = model.endpointsOf(service).stream()
                    .filter(e -> MeshModel.isOwnEndpoint(e, proxy)).toList();
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                if (port == null || port.number() == null) {
                    continue;
                }
                if (own.isEmpty()) {
                    ports.add(port.endpointPort());
                }
                for (ServiceEntry.WorkloadEntry e : own) {
                    ports.add(port.name() == null ? port.endpointPort() : e.ports().getOrDefault(port.name(), port.endpointPort()));
                }
            }
        }
        return ports;
    }

    private static Listener listener(int port, boolean mtls, List<HttpFilter> filters) {
        String suffix = mtls ? "mtls" : "plaintext";
        FilterChain.Builder chain = FilterChain.newBuilder().setName("inbound-" + suffix)
                .addFilters(Listeners.inlineConnectionManager("inbound_0.0.0.0_" + port, routes(), filters));
        if (mtls) {
            chain.setTransportSocket(MeshIdentityTls.grpcServer());
        }
        return Listener.newBuilder().setName(LISTENER_PREFIX + "0.0.0.0:" + port)
                .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder().setSocketAddress(
                        io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
                .addFilterChains(chain).build();
    }

    /** Every call is served by the server itself: gRPC requires a non-forwarding action on a server's routes. */
    private static RouteConfiguration routes() {
        return RouteConfiguration.newBuilder().setName("inbound").addVirtualHosts(VirtualHost.newBuilder()
                .setName("inbound").addDomains("*").addRoutes(Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))).build();
    }
}

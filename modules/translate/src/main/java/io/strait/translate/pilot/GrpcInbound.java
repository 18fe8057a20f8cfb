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
import java.util.TreeSet;

/**
 * The inbound listeners of a proxyless gRPC server (grpc-java's {@code XdsServerBuilder}), as Istio's grpcgen builds
 * them: for each port the ServiceEntries selecting the workload give it (the target port, where it listens), a
 * listener {@code xds.istio.io/grpc/lds/inbound/0.0.0.0:<port>} — the name the server asks for with Istio's
 * {@code server_listener_resource_name_template} — on 0.0.0.0 and that port, with one filter chain.
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
        TreeSet<Integer> ports = new TreeSet<>();
        for (MeshModel.Service service : model.servicesSelecting(proxy)) {
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                if (port != null && port.number() != null) {
                    ports.add(port.endpointPort());
                }
            }
        }
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

package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.Sidecar;
import io.strait.model.mesh.MeshModel;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.translate.pilot.authz.InboundAuthz;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The inbound side of an Envoy sidecar, as Istio lays it out: {@code virtualInbound} on 15006 takes every captured
 * inbound connection, matches its original destination port, and hands it to the workload on localhost through
 * cluster {@code inbound|<port>||} — over HTTP for HTTP ports, as plain TCP otherwise — through the workload's
 * authorization filters ({@link InboundAuthz}: HTTP RBAC and ext_authz in the connection manager, network RBAC
 * and ext_authz before the TCP proxy, on every chain of the port and on the catch-all chains). Ports no service declares pass through to where they were going.
 *
 * <p>Which connections each port accepts — mTLS, plain text, or both — is the workload's PeerAuthentication mode
 * ({@link PeerAuthentications}, {@link InboundTls}).
 *
 * <p>A workload's ports are those of the ServiceEntries of its namespace whose {@code workloadSelector} picks its
 * labels, each on its target port, unless its Sidecar lists ingress listeners ({@link #ports}).
 */
final class SidecarInbound {
    static final int VIRTUAL_INBOUND_PORT = 15006;

    private SidecarInbound() {
    }

    /** One port the workload accepts: the protocol, and where the workload listens (host:port, or a Unix socket). */
    record InboundPort(boolean http, String host, int targetPort, String unixPath) {
    }

    /**
     * The ports of a workload: its Sidecar's ingress listeners when it has any (Istio's override), else the ports
     * of the services selecting it, each on its target port on localhost. The first to declare a port decides.
     */
    static Map<Integer, InboundPort> ports(List<MeshModel.Service> selecting, List<Sidecar.IngressListener> ingress) {
        Map<Integer, InboundPort> ports = new TreeMap<>();
        for (Sidecar.IngressListener in : ingress) {
            if (in == null || in.port() == null || in.port().number() == null) {
                continue;
            }
            String endpoint = in.defaultEndpoint() == null ? "127.0.0.1:" + in.port().number() : in.defaultEndpoint();
            InboundPort target;
            if (endpoint.startsWith("unix://")) {
                target = new InboundPort(in.port().isHttp(), null, 0, endpoint.substring("unix://".length()));
            } else {
                // 0.0.0.0 means "the workload's own address"; the sidecar reaches it on loopback
                String host = endpoint.substring(0, endpoint.lastIndexOf(':')).replace("[", "").replace("]", "");
                host = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
                target = new InboundPort(in.port().isHttp(), host, Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)), null);
            }
            ports.putIfAbsent(in.port().number(), target);
        }
        if (!ingress.isEmpty()) {
            return ports;
        }
        for (MeshModel.Service service : selecting) {
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                ports.putIfAbsent(port.endpointPort(), new InboundPort(port.isHttp(), "127.0.0.1", port.endpointPort(), null));
            }
        }
        return ports;
    }

    /**
     * {@code virtualInbound} and the inbound clusters. Each port's chains follow its mTLS mode ({@link InboundTls});
     * so do the catch-all chains of undeclared ports, under the workload's own mode, so plain text cannot reach a
     * STRICT workload through a port no service declares.
     */
    static void build(Map<Integer, InboundPort> ports, PeerAuthentications.Effective mtls, InboundAuthz authz,
                      java.util.Optional<HttpFilter> jwt, List<Listener> listeners, List<Cluster> clusters) {
        // computed once: every chain of every port carries the same filters, mTLS and plain text alike
        List<HttpFilter> httpFilters = HttpFilters.inbound(authz, jwt);
        List<Filter> tcpAuthz = new ArrayList<>(authz.customTcp());
        tcpAuthz.addAll(authz.localTcp());
        Listener.Builder listener = Listeners.envoy("virtualInbound", "0.0.0.0", VIRTUAL_INBOUND_PORT, true,
                TrafficDirection.INBOUND).addListenerFilters(Listeners.originalDst());
        boolean inspects = false;
        for (Map.Entry<Integer, InboundPort> e : ports.entrySet()) {
            int port = e.getKey();
            boolean http = e.getValue().http();
            String cluster = PassthroughClusters.inboundName(port);
            clusters.add(PassthroughClusters.inbound(port, e.getValue()));
            // the mode is the one of the port the workload listens on, as portLevelMtls names it
            int workloadPort = e.getValue().unixPath() == null ? e.getValue().targetPort() : port;
            for (InboundTls.Chain c : InboundTls.chains(mtls.at(workloadPort), http)) {
                inspects |= !c.transportProtocol().equals(InboundTls.RAW_BUFFER);
                FilterChain.Builder chain = FilterChain.newBuilder().setName(cluster + c.nameSuffix())
                        .setFilterChainMatch(InboundTls.match(c, FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port))));
                // one-way TLS on a PERMISSIVE TCP port is the application's own: pass it on as bytes
                if (http && (c.mtls() || c.transportProtocol().equals(InboundTls.RAW_BUFFER))) {
                    chain.addFilters(Listeners.inlineConnectionManager("inbound_0.0.0.0_" + port, routes(cluster, port),
                            httpFilters));
                } else {
                    chain.addAllFilters(tcpAuthz).addFilters(Listeners.tcpProxy(cluster));
                }
                listener.addFilterChains(InboundTls.secure(c, http, chain));
            }
        }
        for (InboundTls.Chain c : InboundTls.chains(mtls.mode(), false)) {
            inspects |= !c.transportProtocol().equals(InboundTls.RAW_BUFFER);
            listener.addFilterChains(InboundTls.secure(c, false, FilterChain.newBuilder()
                    .setName("virtualInbound-catchall-tcp" + c.nameSuffix())
                    .setFilterChainMatch(InboundTls.match(c, FilterChainMatch.newBuilder()))
                    // ports no service declares are still the workload's: its policies apply, as in Istio
                    .addAllFilters(tcpAuthz)
                    .addFilters(Listeners.tcpProxy(PassthroughClusters.INBOUND_PASSTHROUGH))));
        }
        if (inspects) {
            listener.addListenerFilters(Listeners.tlsInspector());
        }
        listeners.add(listener.build());
    }

    /** Every request to the port goes to the workload; no route timeout, the caller's sidecar set one already. */
    private static RouteConfiguration routes(String cluster, int port) {
        return RouteConfiguration.newBuilder().setName(cluster).addVirtualHosts(VirtualHost.newBuilder()
                .setName("inbound|http|" + port).addDomains("*").addRoutes(Route.newBuilder().setName("default")
                        .setMatch(RouteMatches.of(null))
                        .setRoute(RouteAction.newBuilder().setCluster(cluster).setTimeout(Duration.getDefaultInstance()))))
                .build();
    }
}

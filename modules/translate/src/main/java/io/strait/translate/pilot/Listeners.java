package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;

/**
 * Listener building blocks: the proxyless gRPC API listener, and the sockets, connection managers and TCP proxies
 * of Envoy listeners.
 */
final class Listeners {
    static final String HCM = "envoy.filters.network.http_connection_manager";
    static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";

    private Listeners() {
    }

    static ConfigSource ads() {
        return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
    }

    /**
     * A proxyless gRPC listener: an API listener named exactly as the client dials it ({@code <host>:<port>} for
     * {@code xds:///<host>:<port>}), whose connection manager takes its routes by RDS over ADS.
     */
    static Listener grpcApiListener(String name) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(name))
                .addAllHttpFilters(HttpFilters.outbound())
                .build();
        return Listener.newBuilder().setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
                .build();
    }

    /** An Envoy listener on {@code address:port}; {@code bind} false for the ports traffic reaches only by redirect. */
    static Listener.Builder envoy(String name, String address, int port, boolean bind, TrafficDirection direction) {
        Listener.Builder l = Listener.newBuilder().setName(name).setTrafficDirection(direction)
                .setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress(address).setPortValue(port)));
        if (!bind) {
            l.setBindToPort(BoolValue.of(false));
        }
        return l;
    }

    /** A connection manager taking its routes by RDS over ADS. */
    static Filter rdsConnectionManager(String statPrefix, String routeName, List<HttpFilter> filters) {
        return network(HCM, HttpConnectionManager.newBuilder().setStatPrefix(statPrefix)
                .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(routeName))
                .addAllHttpFilters(filters).build());
    }

    /** A connection manager with its routes inline (inbound: they never change without the listener). */
    static Filter inlineConnectionManager(String statPrefix, RouteConfiguration routes, List<HttpFilter> filters) {
        return network(HCM, HttpConnectionManager.newBuilder().setStatPrefix(statPrefix).setRouteConfig(routes)
                .addAllHttpFilters(filters).build());
    }

    /** A TCP proxy to one cluster. */
    static Filter tcpProxy(String cluster) {
        return network(TCP_PROXY, TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build());
    }

    /** Restores the pre-redirect destination, so filter chains can match the port the workload dialled. */
    static ListenerFilter originalDst() {
        return ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst")
                .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())).build();
    }

    /** Reads the TLS client hello, so filter chains can match the SNI server name. */
    static ListenerFilter tlsInspector() {
        return ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())).build();
    }

    private static Filter network(String name, com.google.protobuf.Message config) {
        return Filter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
    }
}

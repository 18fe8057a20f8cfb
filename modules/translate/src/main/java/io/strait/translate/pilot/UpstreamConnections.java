package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.strait.model.istio.DestinationRule.ConnectionPool;
import io.strait.model.istio.ServiceEntry.ServicePort;
import io.strait.model.proxy.ProxyType;

/**
 * How an Envoy proxy connects to the destination: HTTP/2 for gRPC and HTTP/2 ports (or HTTP ports with
 * {@code h2UpgradePolicy: UPGRADE}), HTTP/1.1 for HTTP ports, the caller's own protocol for ports that declare
 * none; {@code connectionPool} connection settings (connect timeout, TCP keepalive, idle timeout, requests per
 * connection). Proxyless gRPC speaks HTTP/2 by itself and manages its own connections.
 */
final class UpstreamConnections implements ClusterFeature {
    static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    @Override
    public void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster) {
        if (proxy == ProxyType.GRPC) {
            return;
        }
        ConnectionPool pool = policy.connectionPool();
        if (pool != null && pool.tcp() != null) {
            if (pool.tcp().connectTimeout() != null) {
                cluster.setConnectTimeout(ProtoDurations.of(pool.tcp().connectTimeout()));
            }
            var ka = pool.tcp().tcpKeepalive();
            if (ka != null) {
                TcpKeepalive.Builder keepalive = TcpKeepalive.newBuilder();
                if (ka.probes() != null) {
                    keepalive.setKeepaliveProbes(UInt32Value.of(ka.probes()));
                }
                if (ka.time() != null) {
                    keepalive.setKeepaliveTime(UInt32Value.of((int) ProtoDurations.of(ka.time()).getSeconds()));
                }
                if (ka.interval() != null) {
                    keepalive.setKeepaliveInterval(UInt32Value.of((int) ProtoDurations.of(ka.interval()).getSeconds()));
                }
                cluster.setUpstreamConnectionOptions(UpstreamConnectionOptions.newBuilder().setTcpKeepalive(keepalive));
            }
        }
        ServicePort port = policy.port();
        if (port == null || !port.isHttp() || cluster.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
            return;
        }
        HttpProtocolOptions.Builder options = HttpProtocolOptions.newBuilder();
        String protocol = port.declaredProtocol();
        boolean upgrade = pool != null && pool.http() != null && "UPGRADE".equals(pool.http().h2UpgradePolicy());
        if (protocol.equals("GRPC") || protocol.equals("HTTP2") || protocol.equals("GRPC-WEB") || upgrade) {
            options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
        } else if (protocol.equals("HTTP")) {
            options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
        } else {
            options.setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
        }
        if (pool != null && pool.http() != null) {
            Builder common = io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder();
            if (pool.http().idleTimeout() != null) {
                common.setIdleTimeout(ProtoDurations.of(pool.http().idleTimeout()));
            }
            if (pool.http().maxRequestsPerConnection() != null && pool.http().maxRequestsPerConnection() > 0) {
                common.setMaxRequestsPerConnection(UInt32Value.of(pool.http().maxRequestsPerConnection()));
            }
            if (common.hasIdleTimeout() || common.hasMaxRequestsPerConnection()) {
                options.setCommonHttpProtocolOptions(common);
            }
        }
        cluster.putTypedExtensionProtocolOptions(HTTP_OPTIONS, Any.pack(options.build()));
    }
}

package io.strait.translate.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Envoy's proto JSON of the resources Strait generates, with a type registry that knows every {@code Any} payload
 * the translator packs (filters, transport sockets, protocol options, retry predicates), so {@code typed_config}
 * prints as its fields. What golden files hold and what {@code strait translate} prints.
 */
public final class XdsJson {
    /** Every type the translator packs in an {@code Any}: for printing, and for reading Envoy JSON back. */
    public static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            // each descriptor brings its whole .proto file and its imports (e.g. tls.proto: both TLS contexts)
            .add(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.network.ext_authz.v3.ExtAuthz.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.getDescriptor())
            .build();
    /** Envoy's proto JSON, pretty-printed, default values left out as Envoy's config dump leaves them. */
    public static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES);

    private XdsJson() {
    }

    /** One resource as Envoy's proto JSON. */
    public static String print(Message resource) {
        try {
            return PRINTER.print(resource);
        } catch (InvalidProtocolBufferException e) {
            // every type the translator packs is registered above: a miss is a Strait bug
            throw new IllegalStateException("cannot print " + resource.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
        }
    }
}

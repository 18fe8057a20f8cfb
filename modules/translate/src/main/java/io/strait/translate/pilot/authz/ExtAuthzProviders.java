package io.strait.translate.pilot.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.AuthorizationRequest;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.AuthorizationResponse;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.BufferSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.HttpService;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.strait.model.istio.MeshConfig;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The ext_authz filters of MeshConfig's {@code extensionProviders} ({@code envoyExtAuthzHttp},
 * {@code envoyExtAuthzGrpc}), as Istio's builder makes them: the authorizer is reached through its outbound
 * cluster, and the filter runs only for requests that a CUSTOM rule of this provider matched (the shadow RBAC
 * filter before it records the matching policy's name in metadata; {@link #enabledBy}). A provider that is missing
 * or invalid is an error: its policies then deny what they match instead ({@code -deny-due-to-bad-CUSTOM-action}).
 */
final class ExtAuthzProviders {
    static final String RBAC_HTTP = "envoy.filters.http.rbac";
    static final String RBAC_NETWORK = "envoy.filters.network.rbac";
    /** Where the RBAC filter puts the name of the shadow policy that matched, read by ext_authz. */
    static final String SHADOW_POLICY_KEY = "istio_ext_authz_shadow_effective_policy_id";
    private static final Duration DEFAULT_TIMEOUT = Duration.newBuilder().setSeconds(600).build();

    private ExtAuthzProviders() {
    }

    /** A provider's filters: HTTP always; the network filter only for gRPC providers (HTTP ones cannot check TCP). */
    record Built(ExtAuthz http, io.envoyproxy.envoy.extensions.filters.network.ext_authz.v3.ExtAuthz tcp) {
    }

    /** The filters of provider {@code name}; {@link NotEnforceable} with the reason when it cannot be used. */
    static Built of(String name, MeshModel model) {
        MeshConfig.ExtensionProvider p = model.meshConfig().extensionProviders().stream()
                .filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotEnforceable("no extension provider \"" + name + "\""));
        validName(name);
        JsonNode s = p.settings();
        return switch (p.type()) {
            case "envoyExtAuthzHttp" -> http(s, model);
            case "envoyExtAuthzGrpc" -> grpc(s, model);
            default -> throw new NotEnforceable("extension provider \"" + name + "\" is not an ext_authz provider");
        };
    }

    /** The ext_authz filter runs only when a policy of this provider matched (its name starts with the prefix). */
    static MetadataMatcher enabledBy(String rbacFilter, String provider) {
        return MetadataMatcher.newBuilder().setFilter(rbacFilter)
                .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(SHADOW_POLICY_KEY))
                .setValue(Matchers.value(Matchers.prefix(PolicyRules.EXT_AUTHZ_PREFIX + "-" + provider, false)))
                .build();
    }

    private static Built http(JsonNode s, MeshModel model) {
        Cluster c = cluster(s, model);
        HttpStatus status = status(s);
        String pathPrefix = s.path("pathPrefix").asText("");
        if (!pathPrefix.isEmpty() && !pathPrefix.startsWith("/")) {
            throw new NotEnforceable("pathPrefix must begin with `/`, found: \"" + pathPrefix + "\"");
        }
        for (String f : List.of("includeRequestHeadersInCheck", "includeHeadersInCheck", "headersToDownstreamOnDeny",
                "headersToDownstreamOnAllow", "headersToUpstreamOnAllow")) {
            if (texts(s.path(f)).contains("*")) {
                throw new NotEnforceable("a single wildcard (\"*\") is not supported, change it to either prefix or suffix match: " + f);
            }
        }
        HttpService.Builder service = HttpService.newBuilder().setPathPrefix(pathPrefix)
                .setServerUri(HttpUri.newBuilder().setTimeout(timeout(s)).setUri("http://" + c.host()).setCluster(c.name()));
        TreeMap<String, String> additional = new TreeMap<>();
        s.path("includeAdditionalHeadersInCheck").fields().forEachRemaining(e -> additional.put(e.getKey(), e.getValue().asText()));
        if (!additional.isEmpty()) {
            AuthorizationRequest.Builder req = AuthorizationRequest.newBuilder();
            additional.forEach((k, v) -> req.addHeadersToAdd(HeaderValue.newBuilder().setKey(k).setValue(v)));
            service.setAuthorizationRequest(req);
        }
        List<String> upstream = texts(s.path("headersToUpstreamOnAllow"));
        List<String> onDeny = texts(s.path("headersToDownstreamOnDeny"));
        List<String> onAllow = texts(s.path("headersToDownstreamOnAllow"));
        if (!upstream.isEmpty() || !onDeny.isEmpty() || !onAllow.isEmpty()) {
            AuthorizationResponse.Builder resp = AuthorizationResponse.newBuilder();
            if (!upstream.isEmpty()) {
                resp.setAllowedUpstreamHeaders(headers(upstream));
            }
            if (!onDeny.isEmpty()) {
                resp.setAllowedClientHeaders(headers(onDeny));
            }
            if (!onAllow.isEmpty()) {
                resp.setAllowedClientHeadersOnSuccess(headers(onAllow));
            }
            service.setAuthorizationResponse(resp);
        }
        ExtAuthz.Builder http = ExtAuthz.newBuilder().setFailureModeAllow(s.path("failOpen").asBoolean(false))
                .setTransportApiVersion(ApiVersion.V3).setHttpService(service);
        // the newer field wins; the deprecated one is read only when the newer is not written
        List<String> allowed = texts(s.path("includeRequestHeadersInCheck"));
        if (allowed.isEmpty()) {
            allowed = texts(s.path("includeHeadersInCheck"));
        }
        if (!allowed.isEmpty()) {
            http.setAllowedHeaders(headers(allowed));
        }
        finish(http, s, status);
        return new Built(http.build(), null);
    }

    private static Built grpc(JsonNode s, MeshModel model) {
        Cluster c = cluster(s, model);
        HttpStatus status = status(s);
        GrpcService grpc = GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder()
                .setClusterName(c.name()).setAuthority(c.host())).setTimeout(timeout(s)).build();
        boolean failOpen = s.path("failOpen").asBoolean(false);
        ExtAuthz.Builder http = ExtAuthz.newBuilder().setFailureModeAllow(failOpen).setGrpcService(grpc)
                .setTransportApiVersion(ApiVersion.V3);
        finish(http, s, status);
        var tcp = io.envoyproxy.envoy.extensions.filters.network.ext_authz.v3.ExtAuthz.newBuilder().setStatPrefix("tcp.")
                .setFailureModeAllow(failOpen).setTransportApiVersion(ApiVersion.V3).setGrpcService(grpc).build();
        return new Built(http.build(), tcp);
    }

    private static void finish(ExtAuthz.Builder http, JsonNode s, HttpStatus status) {
        if (status != null) {
            http.setStatusOnError(status);
        }
        JsonNode body = s.path("includeRequestBodyInCheck");
        if (body.isObject()) {
            http.setWithRequestBody(BufferSettings.newBuilder().setMaxRequestBytes(body.path("maxRequestBytes").asInt(0))
                    .setAllowPartialMessage(body.path("allowPartialMessage").asBoolean(false))
                    .setPackAsBytes(body.path("packAsBytes").asBoolean(false)));
        }
    }

    private record Cluster(String host, String name) {
    }

    /** {@code service} ({@code <namespace>/<host>} or a host only one namespace has) and {@code port}. */
    private static Cluster cluster(JsonNode s, MeshModel model) {
        int port = s.path("port").asInt(0);
        if (port < 1 || port > 65535) {
            throw new NotEnforceable("port must be in the range [1, 65535], found: " + port);
        }
        String service = s.path("service").asText("");
        if (service.isEmpty()) {
            throw new NotEnforceable("service must not be empty");
        }
        String[] parts = service.split("/", -1);
        List<MeshModel.Service> found = new ArrayList<>();
        for (MeshModel.Service svc : model.services()) {
            boolean match = parts.length == 2 ? svc.host().equals(parts[1]) && svc.namespace().equals(parts[0])
                    : svc.host().equals(service);
            if (match) {
                found.add(svc);
            }
        }
        if (found.size() != 1) {
            throw new NotEnforceable(found.isEmpty() ? "could not find service " + service + " in the registry"
                    : "found " + service + " in several namespaces; name it as <namespace>/<host>");
        }
        String host = found.get(0).host();
        return new Cluster(host, "outbound|" + port + "||" + host);
    }

    private static HttpStatus status(JsonNode s) {
        String v = s.path("statusOnError").asText("");
        if (v.isEmpty()) {
            return null;
        }
        StatusCode code;
        try {
            code = StatusCode.forNumber(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            code = null;
        }
        if (code == null || code == StatusCode.Empty) {
            throw new NotEnforceable("unsupported statusOnError " + v);
        }
        return HttpStatus.newBuilder().setCode(code).build();
    }

    private static Duration timeout(JsonNode s) {
        JsonNode t = s.path("timeout");
        if (!t.isTextual()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            return Durations.parse(t.asText());
        } catch (java.text.ParseException e) {
            throw new NotEnforceable("invalid timeout " + t.asText());
        }
    }

    /** Header names, each a case-insensitive exact, prefix ({@code x-*}) or suffix ({@code *-id}) match. */
    private static ListStringMatcher headers(List<String> names) {
        ListStringMatcher.Builder out = ListStringMatcher.newBuilder();
        for (String h : names) {
            StringMatcher.Builder m = StringMatcher.newBuilder().setIgnoreCase(true);
            if (h.startsWith("*")) {
                m.setSuffix(h.substring(1));
            } else if (h.endsWith("*")) {
                m.setPrefix(h.substring(0, h.length() - 1));
            } else {
                m.setExact(h);
            }
            out.addPatterns(m);
        }
        return out.build();
    }

    /** Istio's rule for provider names: lowercase letters, digits and inner hyphens, at most 63 characters. */
    private static void validName(String name) {
        if (name.length() > 63 || !name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
            throw new NotEnforceable("invalid provider name \"" + name + "\"");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}

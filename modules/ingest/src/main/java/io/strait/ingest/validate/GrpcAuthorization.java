package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import java.util.List;

/**
 * What a proxyless gRPC server (grpc-java's RBAC filter, gRFC A41) cannot enforce of an AuthorizationPolicy, each
 * named by its field path, with what the translator does instead — always failing closed: a part gRPC cannot
 * evaluate leaves an ALLOW rule out (it allows less) and drops out of a DENY rule (it denies more). Envoy proxies
 * enforce all of it. Said once per policy part, since ingest does not know which workloads are gRPC servers.
 */
final class GrpcAuthorization {
    private static final String CODE = "STR0006";
    private static final String FAIL_CLOSED = "on them an ALLOW rule with it allows nothing and a DENY rule matches "
            + "without it (failing closed); Envoy proxies enforce it";

    private GrpcAuthorization() {
    }

    static void notices(LoadedResource r, JsonNode spec, Findings f) {
        String action = spec.path("action").asText("ALLOW");
        if (action.equals("CUSTOM")) {
            f.warning(r, CODE, "spec.action", "proxyless gRPC servers have no ext_authz: on them a CUSTOM policy denies "
                    + "what its rules match (failing closed); Envoy proxies ask the provider");
        } else if (action.equals("AUDIT")) {
            f.warning(r, CODE, "spec.action", "proxyless gRPC servers do not audit: an AUDIT policy has no effect on them");
        }
        if (!r.document().tree().path("metadata").path("annotations").path("istio.io/dry-run").isMissingNode()) {
            f.warning(r, CODE, "metadata.annotations", "proxyless gRPC servers have no shadow rules: "
                    + "a dry-run policy is left out of them (never enforced, unlike Istio's gRPC servers); Envoy proxies log its result");
        }
        JsonNode rules = spec.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            String path = "spec.rules[" + i + "]";
            JsonNode rule = rules.path(i);
            JsonNode from = rule.path("from");
            for (int j = 0; j < from.size(); j++) {
                for (String field : List.of("requestPrincipals", "notRequestPrincipals")) {
                    if (!from.path(j).path("source").path(field).isEmpty()) {
                        f.warning(r, CODE, path + ".from[" + j + "].source." + field,
                                "proxyless gRPC servers validate no JWT, so they cannot know the request principal; " + FAIL_CLOSED);
                    }
                }
            }
            JsonNode to = rule.path("to");
            for (int j = 0; j < to.size(); j++) {
                for (String field : List.of("paths", "notPaths")) {
                    for (JsonNode p : to.path(j).path("operation").path(field)) {
                        if (p.asText().contains("{*}") || p.asText().contains("{**}")) {
                            f.warning(r, CODE, path + ".to[" + j + "].operation." + field,
                                    "proxyless gRPC servers have no path templates; " + FAIL_CLOSED);
                            break;
                        }
                    }
                }
            }
            JsonNode when = rule.path("when");
            for (int j = 0; j < when.size(); j++) {
                String key = when.path(j).path("key").asText("");
                String why = key.startsWith("request.auth.") ? "validate no JWT, so they cannot know " + key
                        : key.startsWith("experimental.envoy.filters.") ? "have no Envoy filter metadata"
                        : key.equals("connection.sni") ? "see no SNI" : null;
                if (why != null) {
                    f.warning(r, CODE, path + ".when[" + j + "].key", "proxyless gRPC servers " + why + "; " + FAIL_CLOSED);
                }
            }
        }
    }
}

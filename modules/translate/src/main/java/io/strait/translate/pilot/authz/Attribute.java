package io.strait.translate.pilot.authz;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig;
import io.envoyproxy.envoy.type.matcher.v3.ListMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attributes an AuthorizationPolicy matches on — the fields of {@code from.source} and {@code to.operation}
 * and the {@code when} keys — each with what it generates: a permission (about the request or connection's
 * destination) or a principal (about its source), as Istio's authz model generators do. Most take one value at a
 * time (the values are ORed); the JWT claims and Envoy metadata take all values at once ({@link #grouped}).
 */
enum Attribute {
    DEST_IP("destination.ip", false, false),
    DEST_PORT("destination.port", false, false),
    CONNECTION_SNI("connection.sni", false, false),
    ENVOY_FILTER("experimental.envoy.filters.", false, true),
    SOURCE_IP("source.ip", true, false),
    REMOTE_IP("remote.ip", true, false),
    SOURCE_NAMESPACE("source.namespace", true, false),
    SOURCE_TRUST_DOMAIN("source.trustDomain", true, false),
    SOURCE_SERVICE_ACCOUNT("source.serviceAccount", true, false),
    SOURCE_PRINCIPAL("source.principal", true, false),
    REQUEST_PRINCIPAL("request.auth.principal", true, true),
    REQUEST_AUDIENCES("request.auth.audiences", true, true),
    REQUEST_PRESENTER("request.auth.presenter", true, true),
    REQUEST_HEADER("request.headers", true, false),
    REQUEST_CLAIMS("request.auth.claims", true, true),
    HOST(":authority", false, false),
    PATH("path-matcher", false, false),
    METHOD(":method", false, false);

    /** Whether the prefixed keys ({@code request.headers[…]}, {@code experimental.envoy.filters.…}) belong here. */
    private final String key;
    /** True for a principal (who), false for a permission (what). */
    final boolean principal;
    /** True when the values are matched together by one matcher rather than ORed one by one. */
    final boolean grouped;

    Attribute(String key, boolean principal, boolean grouped) {
        this.key = key;
        this.principal = principal;
        this.grouped = grouped;
    }

    /** The attribute of a {@code when} key, as Istio matches them (exact keys, then the prefixed ones). */
    static Optional<Attribute> ofCondition(String key) {
        for (Attribute a : values()) {
            if (a == HOST || a == PATH || a == METHOD) {
                continue; // operations, not condition keys
            }
            boolean prefixed = a == ENVOY_FILTER || a == REQUEST_HEADER || a == REQUEST_CLAIMS;
            if (prefixed ? key.startsWith(a.key) : key.equals(a.key)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** One value of a per-value permission attribute. */
    Permission permission(String key, String value, Target target) {
        return switch (this) {
            case DEST_IP -> Permission.newBuilder().setDestinationIp(Cidrs.of(value)).build();
            case DEST_PORT -> Permission.newBuilder().setDestinationPort(port(value)).build();
            case CONNECTION_SNI -> {
                if (target == Target.GRPC) {
                    throw new NotEnforceable("a gRPC server sees no SNI");
                }
                yield Permission.newBuilder().setRequestedServerName(Matchers.string(value)).build();
            }
            case HOST -> Permission.newBuilder().setHeader(Matchers.header(httpOnly(key, target), value, true)).build();
            case METHOD -> Permission.newBuilder().setHeader(Matchers.header(httpOnly(key, target), value, false)).build();
            case PATH -> {
                httpOnly(key, target);
                if (value.contains("{*}") || value.contains("{**}")) {
                    if (target == Target.GRPC) {
                        throw new NotEnforceable("gRPC has no URI template matcher");
                    }
                    String template = value.replace("{**}", "**").replace("{*}", "*");
                    yield Permission.newBuilder().setUriTemplate(TypedExtensionConfig.newBuilder().setName("uri-template")
                            .setTypedConfig(Any.pack(UriTemplateMatchConfig.newBuilder().setPathTemplate(template).build())))
                            .build();
                }
                yield Permission.newBuilder().setUrlPath(Matchers.path(value)).build();
            }
            default -> throw new NotEnforceable(key + " is not about the destination");
        };
    }

    /** One value of a per-value principal attribute; {@code policyNamespace} completes a bare service account. */
    Principal principal(String key, String value, Target target, String policyNamespace) {
        return switch (this) {
            case SOURCE_IP -> Principal.newBuilder().setDirectRemoteIp(Cidrs.of(value)).build();
            case REMOTE_IP -> Principal.newBuilder().setRemoteIp(Cidrs.of(value)).build();
            case SOURCE_NAMESPACE -> {
                String[] parts = value.split("\\*", -1);
                StringBuilder ns = new StringBuilder();
                for (int i = 0; i < parts.length; i++) {
                    ns.append(i == 0 ? "" : ".*").append(Matchers.quoteMeta(parts[i]));
                }
                yield authenticated(Matchers.regex(".*/ns/" + ns + "/.*"));
            }
            case SOURCE_SERVICE_ACCOUNT -> {
                int slash = value.indexOf('/');
                String ns = slash < 0 ? policyNamespace : value.substring(0, slash);
                String sa = slash < 0 ? value : value.substring(slash + 1);
                // the SA ends the identity or is followed by more segments, so "sa/foo" never matches "sa/foo-bar"
                yield authenticated(Matchers.regex("spiffe://.+/ns/" + Matchers.quoteMeta(ns) + "/(.+/|)sa/"
                        + Matchers.quoteMeta(sa) + "(/.+)?"));
            }
            case SOURCE_TRUST_DOMAIN -> {
                if (value.equals("*")) {
                    yield authenticated(Matchers.prefix("spiffe://", false));
                }
                if (!value.contains("*")) {
                    yield authenticated(Matchers.prefix("spiffe://" + value + "/", false));
                }
                int star = value.indexOf('*');
                yield authenticated(Matchers.regex("spiffe://" + Matchers.quoteMeta(value.substring(0, star)) + "[^/]*"
                        + Matchers.quoteMeta(value.substring(star + 1)) + "/.*"));
            }
            case SOURCE_PRINCIPAL -> authenticated(Matchers.withPrefix(value, "spiffe://"));
            case REQUEST_HEADER -> {
                httpOnly(key, target);
                String name = inBrackets(key.substring("request.headers".length()));
                yield Principal.newBuilder().setHeader(Matchers.header(name, value, false)).build();
            }
            default -> throw new NotEnforceable(key + " is not about the source");
        };
    }

    /** All values of a grouped permission attribute (Envoy metadata), as one matcher. */
    Permission permissions(String key, List<String> values, Target target) {
        if (this != ENVOY_FILTER) {
            throw new NotEnforceable(key + " is not about the destination");
        }
        if (target == Target.GRPC) {
            throw new NotEnforceable("gRPC has no Envoy filter metadata");
        }
        // "experimental.envoy.filters.a.b[c]" is the metadata of filter "envoy.filters.a.b" under key "c"
        String trimmed = key.substring("experimental.".length());
        trimmed = trimmed.endsWith("]") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        int open = trimmed.indexOf('[');
        if (open < 0) {
            throw new NotEnforceable("invalid key: " + key);
        }
        List<ValueMatcher> matchers = new ArrayList<>();
        for (String v : values) {
            if (v.startsWith("[") && v.endsWith("]")) {
                String inner = v.replaceAll("^\\[+", "").replaceAll("]+$", "");
                matchers.add(ValueMatcher.newBuilder().setListMatch(ListMatcher.newBuilder()
                        .setOneOf(Matchers.value(Matchers.string(inner)))).build());
            } else {
                matchers.add(Matchers.value(Matchers.string(v)));
            }
        }
        return Permission.newBuilder().setMetadata(Matchers.metadata(trimmed.substring(0, open),
                trimmed.substring(open + 1), Matchers.or(matchers))).build();
    }

    /** All values of a grouped principal attribute (JWT claims), as one matcher. */
    Principal principals(String key, List<String> values, Target target) {
        if (!target.http()) {
            throw new NotEnforceable("\"" + key + "\" is HTTP only");
        }
        if (target == Target.GRPC) {
            throw new NotEnforceable("gRPC servers validate no JWT: \"" + key + "\" cannot be known");
        }
        return switch (this) {
            case REQUEST_PRINCIPAL -> requestPrincipals(values);
            case REQUEST_AUDIENCES -> metadataPrincipal(Matchers.jwtClaims(List.of("aud"), Matchers.anyString(values)));
            case REQUEST_PRESENTER -> metadataPrincipal(Matchers.jwtClaims(List.of("azp"), Matchers.anyString(values)));
            case REQUEST_CLAIMS -> metadataPrincipal(Matchers.jwtClaims(claims(key.substring("request.auth.claims".length())),
                    Matchers.anyString(values)));
            default -> throw new NotEnforceable(key + " is not about the source");
        };
    }

    /** {@code <iss>/<sub>} (the issuer may be a URL, so the last slash splits), with Istio's wildcard forms. */
    private static Principal requestPrincipals(List<String> values) {
        StringMatcher any = Matchers.regex(".+");
        List<Principal> or = new ArrayList<>();
        for (String value : values) {
            int idx = value.lastIndexOf('/');
            boolean found = idx >= 0;
            String iss = found ? value.substring(0, idx) : value;
            String sub = found ? value.substring(idx + 1) : "";
            StringMatcher matchIss;
            StringMatcher matchSub;
            if (value.equals("*")) {
                matchIss = any;
                matchSub = any;
            } else if (value.startsWith("*")) {
                if (found) {
                    matchIss = iss.equals("*") ? any : Matchers.suffix(iss.substring(1), false);
                    matchSub = Matchers.exact(sub, false);
                } else {
                    matchIss = any;
                    matchSub = Matchers.suffix(value.substring(1), false);
                }
            } else if (value.endsWith("*")) {
                if (found) {
                    matchIss = Matchers.exact(iss, false);
                    matchSub = sub.equals("*") ? any : Matchers.prefix(sub.substring(0, sub.length() - 1), false);
                } else {
                    matchIss = Matchers.prefix(value.substring(0, value.length() - 1), false);
                    matchSub = any;
                }
            } else {
                matchIss = Matchers.exact(iss, false);
                matchSub = Matchers.exact(sub, false);
            }
            or.add(Rbac.and(List.of(metadataPrincipal(Matchers.jwtClaim("iss", matchIss)),
                    metadataPrincipal(Matchers.jwtClaim("sub", matchSub)))));
        }
        return or.size() == 1 ? or.get(0) : Rbac.or(or);
    }

    private static Principal metadataPrincipal(io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher m) {
        return Principal.newBuilder().setMetadata(m).build();
    }

    /** The peer's mTLS identity (its SPIFFE URI SAN). */
    private static Principal authenticated(StringMatcher name) {
        return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(name)).build();
    }

    private static String httpOnly(String key, Target target) {
        if (!target.http()) {
            throw new NotEnforceable("\"" + key + "\" is HTTP only");
        }
        return key;
    }

    private static int port(String v) {
        if (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) > 65535) {
            throw new NotEnforceable("invalid port " + v);
        }
        return Integer.parseInt(v);
    }

    /** {@code [name]} → name. */
    private static String inBrackets(String s) {
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new NotEnforceable("expecting format [<NAME>], but found " + s);
        }
        return s.substring(1, s.length() - 1);
    }

    /** {@code [a][b]} → a, b; a single bracketed name may itself contain brackets' contents as written. */
    private static List<String> claims(String s) {
        List<String> out = new ArrayList<>();
        int begin = 0;
        while (begin < s.length()) {
            int end = -1;
            if (s.charAt(begin) == '[') {
                for (int i = begin + 1; i < s.length(); i++) {
                    if (s.charAt(i) == '[') {
                        break;
                    }
                    if (s.charAt(i) == ']') {
                        end = i;
                        break;
                    }
                }
            }
            if (end < 0) {
                return List.of(inBrackets(s));
            }
            out.add(s.substring(begin + 1, end));
            begin = end + 1;
        }
        return out;
    }
}

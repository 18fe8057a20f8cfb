package io.strait.translate.pilot.authn;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtHeader;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementAndList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.RequestAuthentication;
import io.strait.model.istio.RequestAuthentication.JwtRule;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The JWT authentication filter of one workload's inbound HTTP traffic (or a gateway's), from the
 * RequestAuthentications that apply to it ({@link MeshModel#requestAuthenticationsFor}), in the shape Istio's authn
 * policy applier gives it: every rule of every policy, sorted by issuer, is provider {@code origins-<i>}; the one
 * rule for {@code /} requires, per provider, that provider or no token at all ({@code allow_missing}), so a request
 * without a token passes and one with an invalid token is refused; with several providers, any one of them alone
 * also satisfies it (providers may share a token location). The payload goes to the filter's dynamic metadata
 * under {@value #PAYLOAD}, where the RBAC filters read {@code request.auth.*}.
 *
 * <p>Keys are always inline ({@code local_jwks}): a rule's {@code jwks}, else what ingest fetched from its
 * {@code jwksUri} and published with the revision, else — a URI nothing fetched — a key set no token verifies
 * against, so the provider fails closed. Translation does no I/O.
 *
 * <p>One reading beyond Istio's: the providers of {@code presence: REQUIRED} rules are left out of that requirement
 * and ANDed with it, so a request without a valid token of each is refused; Istio's applier ignores the field,
 * which would leave a required token optional.
 */
public final class JwtAuthn {
    /** The filter's name, which RBAC's metadata matchers name too. */
    public static final String FILTER = "envoy.filters.http.jwt_authn";
    /** Where the verified payload goes in the filter's dynamic metadata (Istio's EnvoyJwtFilterPayload). */
    public static final String PAYLOAD = "payload";
    /** Claims Envoy splits on spaces for matching, whatever a rule adds (Istio's defaults). */
    private static final List<String> SPACE_DELIMITED = List.of("permission", "scope");

    private JwtAuthn() {
    }

    /**
     * The filter for the workloads of {@code namespace} with {@code labels}, or empty when no RequestAuthentication
     * with a rule applies.
     *
     * @param clearRouteCache whether the route is chosen again after the filter, so routes can match claims: Istio
     *                        sets it for every proxy but a sidecar (gateways route on {@code request.auth.claims})
     */
    public static Optional<HttpFilter> of(MeshModel model, String namespace, java.util.Map<String, String> labels,
                                          boolean clearRouteCache) {
        List<JwtRule> rules = new ArrayList<>();
        for (IstioResource r : model.requestAuthenticationsFor(namespace, labels)) {
            ((RequestAuthentication) r.spec()).jwtRules().stream().filter(java.util.Objects::nonNull).forEach(rules::add);
        }
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        // stable: rules of one issuer keep the order of their policies' keys
        rules.sort(Comparator.comparing(rule -> rule.issuer() == null ? "" : rule.issuer()));
        return Optional.of(HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config(rules, clearRouteCache))).build());
    }

    /** The filter's config for rules already in provider order. */
    static JwtAuthentication config(List<JwtRule> rules, boolean clearRouteCache) {
        JwtAuthentication.Builder out = JwtAuthentication.newBuilder().setBypassCorsPreflight(true);
        List<JwtRequirement> eachOrMissing = new ArrayList<>();
        List<JwtRequirement> anyAlone = new ArrayList<>();
        List<JwtRequirement> required = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String name = "origins-" + i;
            JwtRule rule = rules.get(i);
            out.putProviders(name, provider(rule, clearRouteCache));
            JwtRequirement alone = JwtRequirement.newBuilder().setProviderName(name).build();
            if (JwtRule.REQUIRED.equals(rule.presence())) {
                required.add(alone);
                continue;
            }
            eachOrMissing.add(JwtRequirement.newBuilder().setRequiresAny(JwtRequirementOrList.newBuilder()
                    .addRequirements(alone)
                    .addRequirements(JwtRequirement.newBuilder().setAllowMissing(Empty.getDefaultInstance())))
                    .build());
            anyAlone.add(alone);
        }
        JwtRequirement requires = null;
        if (eachOrMissing.size() == 1) {
            requires = eachOrMissing.get(0);
        } else if (eachOrMissing.size() > 1) {
            // any provider alone, or every provider's token valid-or-missing: the AND alone would refuse two
            // providers reading one header, since one of them must fail on the other's token
            anyAlone.add(JwtRequirement.newBuilder().setRequiresAll(JwtRequirementAndList.newBuilder()
                    .addAllRequirements(eachOrMissing)).build());
            requires = JwtRequirement.newBuilder().setRequiresAny(JwtRequirementOrList.newBuilder()
                    .addAllRequirements(anyAlone)).build();
        }
        if (!required.isEmpty()) {
            // every REQUIRED provider in every case, so no other provider's token can stand in for it
            List<JwtRequirement> all = new ArrayList<>(required);
            if (requires != null) {
                all.add(requires);
            }
            requires = all.size() == 1 ? all.get(0)
                    : JwtRequirement.newBuilder().setRequiresAll(JwtRequirementAndList.newBuilder().addAllRequirements(all)).build();
        }
        out.addRules(RequirementRule.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRequires(requires));
        return out.build();
    }

    private static JwtProvider provider(JwtRule rule, boolean clearRouteCache) {
        JwtProvider.Builder p = JwtProvider.newBuilder()
                .setIssuer(nonNull(rule.issuer()))
                .addAllAudiences(rule.audiences())
                .setForward(Boolean.TRUE.equals(rule.forwardOriginalToken()))
                .setForwardPayloadHeader(nonNull(rule.outputPayloadToHeader()))
                .setPayloadInMetadata(PAYLOAD)
                .setNormalizePayloadInMetadata(JwtProvider.NormalizePayload.newBuilder()
                        .addAllSpaceDelimitedClaims(spaceDelimited(rule.spaceDelimitedClaims())))
                .setClearRouteCache(clearRouteCache)
                .setLocalJwks(DataSource.newBuilder().setInlineString(keys(rule)));
        for (RequestAuthentication.ClaimToHeader c : rule.outputClaimToHeaders()) {
            if (c != null) {
                p.addClaimToHeaders(JwtClaimToHeader.newBuilder().setHeaderName(nonNull(c.header())).setClaimName(nonNull(c.claim())));
            }
        }
        // only what the rule names: with no location at all, Envoy reads "Authorization: Bearer <token>" and the
        // access_token parameter, as Istio documents
        for (RequestAuthentication.JwtHeader h : rule.fromHeaders()) {
            if (h != null) {
                p.addFromHeaders(JwtHeader.newBuilder().setName(nonNull(h.name())).setValuePrefix(nonNull(h.prefix())));
            }
        }
        p.addAllFromParams(rule.fromParams());
        p.addAllFromCookies(rule.fromCookies());
        return p.build();
    }

    /** The inline key set: the rule's own, else the one ingest fetched, else one nothing verifies against. */
    static String keys(JwtRule rule) {
        if (rule.jwks() != null && !rule.jwks().isEmpty()) {
            return rule.jwks();
        }
        if (rule.fetchedJwks() != null && !rule.fetchedJwks().isEmpty()) {
            return rule.fetchedJwks();
        }
        return RequestAuthentication.UNVERIFIABLE_JWKS;
    }

    /** Istio's defaults with the rule's own, sorted and deduplicated; just the defaults when the rule names none. */
    private static List<String> spaceDelimited(List<String> own) {
        TreeSet<String> out = new TreeSet<>(SPACE_DELIMITED);
        own.stream().filter(java.util.Objects::nonNull).forEach(out::add);
        return List.copyOf(out);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}

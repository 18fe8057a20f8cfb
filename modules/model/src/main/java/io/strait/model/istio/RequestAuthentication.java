package io.strait.model.istio;

import java.util.List;

/**
 * {@code security.istio.io/RequestAuthentication}: the JWTs the workloads it applies to accept. It selects workloads
 * as an AuthorizationPolicy does (root namespace mesh-wide, namespace, {@code selector}, a Gateway
 * {@code targetRef}). A request with a token must present a valid one for some rule whose location it is in; a
 * request without a token passes — an AuthorizationPolicy's {@code requestPrincipals} is what requires one.
 * How the rules become Envoy's jwt_authn filter is the translator's (Istio's authn policy applier).
 */
public record RequestAuthentication(AuthorizationPolicy.WorkloadSelector selector, AuthorizationPolicy.TargetRef targetRef,
                                    List<AuthorizationPolicy.TargetRef> targetRefs, List<JwtRule> jwtRules) implements Spec {
    /**
     * The key set of a rule whose keys could not be fetched: one RSA public key whose private key was generated
     * for this purpose and discarded, so no token can ever verify against it. The rule's issuer then fails closed
     * (every token of it is rejected) rather than the provider vanishing, as istiod does on a failed fetch.
     */
    public static final String UNVERIFIABLE_JWKS = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"strait-fetch-failed\",\"e\":\"AQAB\","
            + "\"n\":\"k42RFBrI85eH-8sHwP5znr0yHtEB5kdwbcqXiDV-8V8QYYqxBC304uIbvyR7EZHroKCiPbtc6edSMscp8D3YrNlv3_BgJO3ZpWbJtw3aGph"
            + "hQxom-NcE6AGrl5Uu0CT3YbJ8FIzxMOQ8OJdJEoi9387yCMWd-zT_5Rc_gUl7c-RnUT_Y5LFmycK6o_kGIVouhsRO2YgmVUmjR-YB_4-qjrEwWSowT2REi7"
            + "lkYoScclIcY1BqyM1xLvVzuLWcrthiCjbVbT9X5WzcZDo_t2HnEhQRXFWP7EJw-YtFs9B6-ffRNhzvYtBXaDJljnZXJB3CfuRBqsI5TLBRGTDVdwuqVw\"}]}";

    public RequestAuthentication {
        targetRefs = Lists.copy(targetRefs);
        jwtRules = Lists.copy(jwtRules);
    }

    /** Every target reference: {@code targetRef} and {@code targetRefs} together (validation allows one of them). */
    public List<AuthorizationPolicy.TargetRef> allTargetRefs() {
        return targetRef == null ? targetRefs : java.util.stream.Stream.concat(java.util.stream.Stream.of(targetRef),
                targetRefs.stream()).toList();
    }

    /** Whether the policy applies to whole namespaces: no labels to select, no targets named. */
    public boolean namespaceWide() {
        return (selector == null || selector.matchLabels().isEmpty()) && allTargetRefs().isEmpty();
    }

    /** This policy with each rule replaced by {@code rules} (same size, same order): how ingest adds fetched keys. */
    public RequestAuthentication withRules(List<JwtRule> rules) {
        return new RequestAuthentication(selector, targetRef, targetRefs, rules);
    }

    /**
     * {@code jwtRules[]}: one issuer and where its keys and tokens are.
     *
     * @param fetchedJwks not an Istio field (the schema refuses it in a file): the key set ingest fetched from
     *                    {@code jwksUri} for this revision, or a key set no token verifies against when the fetch
     *                    failed, so the translator inlines keys without any I/O of its own
     */
    public record JwtRule(String issuer, List<String> audiences, String jwksUri, String jwks, List<JwtHeader> fromHeaders,
                          List<String> fromParams, List<String> fromCookies, String outputPayloadToHeader,
                          Boolean forwardOriginalToken, List<ClaimToHeader> outputClaimToHeaders, String timeout,
                          List<String> spaceDelimitedClaims, String presence, String fetchedJwks) {
        /** {@code presence} that makes a token mandatory for this rule's location. */
        public static final String REQUIRED = "REQUIRED";

        public JwtRule {
            audiences = Lists.copy(audiences);
            fromHeaders = Lists.copy(fromHeaders);
            fromParams = Lists.copy(fromParams);
            fromCookies = Lists.copy(fromCookies);
            outputClaimToHeaders = Lists.copy(outputClaimToHeaders);
            spaceDelimitedClaims = Lists.copy(spaceDelimitedClaims);
        }

        /** This rule with the key set ingest fetched (or the fail-closed one). */
        public JwtRule withFetchedJwks(String keys) {
            return new JwtRule(issuer, audiences, jwksUri, jwks, fromHeaders, fromParams, fromCookies, outputPayloadToHeader,
                    forwardOriginalToken, outputClaimToHeaders, timeout, spaceDelimitedClaims, presence, keys);
        }

        /** Whether ingest must fetch this rule's keys: a URI and no inline key set (inline wins, as in Istio). */
        public boolean needsFetch() {
            return jwksUri != null && !jwksUri.isEmpty() && (jwks == null || jwks.isEmpty());
        }
    }

    /** {@code fromHeaders[]}: a header carrying the token, after {@code prefix}. */
    public record JwtHeader(String name, String prefix) {
    }

    /** {@code outputClaimToHeaders[]}: a claim copied to a request header. */
    public record ClaimToHeader(String header, String claim) {
    }
}

package io.strait.translate.pilot.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementAndList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.strait.model.istio.RequestAuthentication;
import io.strait.model.istio.RequestAuthentication.JwtRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The filter's shape against the expectations of Istio's policy_applier_test ("single JWT policy", "multiple JWT
 * policy"), written out as protobuf messages, and what Strait adds: fail-closed keys and REQUIRED presence.
 */
class JwtAuthnTest {
    private static final String KEY = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}]}";

    @Test
    void oneRuleIsItsProviderOrNoTokenAsInIstio() {
        JwtAuthentication got = JwtAuthn.config(List.of(rule("https://secret.foo.com", KEY, null, null)), false);
        JwtAuthentication want = JwtAuthentication.newBuilder()
                .addRules(RequirementRule.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRequires(orMissing("origins-0")))
                .putProviders("origins-0", istioProvider("https://secret.foo.com", KEY))
                .setBypassCorsPreflight(true).build();
        assertThat(got).isEqualTo(want);
    }

    @Test
    void severalRulesAreAnyAloneOrEachValidOrMissingAsInIstio() {
        JwtAuthentication got = JwtAuthn.config(List.of(rule("https://secret.bar.com", KEY, null, null),
                rule("https://secret.foo.com", KEY, null, null)), false);
        JwtRequirement requires = JwtRequirement.newBuilder().setRequiresAny(JwtRequirementOrList.newBuilder()
                .addRequirements(name("origins-0")).addRequirements(name("origins-1"))
                .addRequirements(JwtRequirement.newBuilder().setRequiresAll(JwtRequirementAndList.newBuilder()
                        .addRequirements(orMissing("origins-0")).addRequirements(orMissing("origins-1"))))).build();
        assertThat(got.getRules(0).getRequires()).isEqualTo(requires);
        assertThat(got.getProvidersMap()).containsOnlyKeys("origins-0", "origins-1");
        assertThat(got.getProvidersOrThrow("origins-1")).isEqualTo(istioProvider("https://secret.foo.com", KEY));
    }

    @Test
    void aUriNothingFetchedHoldsTheUnverifiableKeysAndFetchedKeysAreInlined() {
        JwtRule unfetched = rule("https://a", null, "https://keys.a/jwks", null);
        assertThat(JwtAuthn.keys(unfetched)).isEqualTo(RequestAuthentication.UNVERIFIABLE_JWKS);
        assertThat(JwtAuthn.keys(unfetched.withFetchedJwks(KEY))).isEqualTo(KEY);
        // inline keys win over fetched ones, as Istio fetches only when jwks is empty
        assertThat(JwtAuthn.keys(rule("https://a", KEY, "https://keys.a/jwks", null).withFetchedJwks("{}"))).isEqualTo(KEY);
    }

    @Test
    void aRequiredProviderIsInEveryAlternative() {
        JwtAuthentication got = JwtAuthn.config(List.of(rule("https://a", KEY, null, null),
                rule("https://b", KEY, null, JwtRule.REQUIRED)), false);
        assertThat(got.getRules(0).getRequires()).isEqualTo(JwtRequirement.newBuilder().setRequiresAll(
                JwtRequirementAndList.newBuilder().addRequirements(name("origins-1")).addRequirements(orMissing("origins-0"))).build());
        JwtAuthentication alone = JwtAuthn.config(List.of(rule("https://b", KEY, null, JwtRule.REQUIRED)), true);
        assertThat(alone.getRules(0).getRequires()).isEqualTo(name("origins-0"));
        assertThat(alone.getProvidersOrThrow("origins-0").getClearRouteCache()).isTrue();
    }

    private static JwtRule rule(String issuer, String jwks, String uri, String presence) {
        return new JwtRule(issuer, null, uri, jwks, null, null, null, null, null, null, null, null, presence, null);
    }

    private static JwtProvider istioProvider(String issuer, String keys) {
        return JwtProvider.newBuilder().setIssuer(issuer)
                .setLocalJwks(DataSource.newBuilder().setInlineString(keys))
                .setForward(false).setPayloadInMetadata("payload")
                .setNormalizePayloadInMetadata(JwtProvider.NormalizePayload.newBuilder()
                        .addSpaceDelimitedClaims("permission").addSpaceDelimitedClaims("scope"))
                .build();
    }

    private static JwtRequirement name(String provider) {
        return JwtRequirement.newBuilder().setProviderName(provider).build();
    }

    private static JwtRequirement orMissing(String provider) {
        return JwtRequirement.newBuilder().setRequiresAny(JwtRequirementOrList.newBuilder().addRequirements(name(provider))
                .addRequirements(JwtRequirement.newBuilder().setAllowMissing(Empty.getDefaultInstance()))).build();
    }
}

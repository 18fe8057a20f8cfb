package io.strait.ca.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.FakeTokenReviewApi;
import io.strait.ca.TestPki;
import io.strait.ca.auth.TokenReviewCluster;
import io.strait.ca.grpc.CertificateServiceClient;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA role accepting Kubernetes service-account tokens, over real TLS, reviewed by fabric8's mock API server (a
 * real HTTP server): the identity is the reviewed service account's whatever the CSR asks, and each way a token fails
 * is its own status and message.
 */
class KubernetesTokenCaTest {
    private static final SpiffeId WEB = new SpiffeId("cluster.local", "shop", "web");
    private final List<AutoCloseable> open = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private FakeTokenReviewApi api() {
        FakeTokenReviewApi api = new FakeTokenReviewApi();
        open.add(api);
        return api;
    }

    private CaRole ca(TokenReviewCluster... clusters) throws Exception {
        CaOptions o = new CaOptions(tmp.resolve("ca"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test").withKubernetesTokens(List.of(clusters))
                .withKubernetesRootConfigMap(false); // these tests count the API server's requests: TokenReviews only
        CaRole role = new CaRole(o, null, Clock.systemUTC(), List.of()).start();
        open.add(role);
        return role;
    }

    private TokenReviewCluster cluster(FakeTokenReviewApi api, String id, String... audiences) throws Exception {
        return new TokenReviewCluster(id, api.kubeconfig(tmp.resolve(id + ".kubeconfig")), List.of(audiences));
    }

    private CertificateServiceClient client(CaRole role) throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", role.securePort(), TlsChannelCredentials.newBuilder()
                .trustManager(new ByteArrayInputStream(Pem.bytes(role.keys().rootsPem()))).build()).build();
        open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return new CertificateServiceClient(ch, Duration.ofSeconds(20));
    }

    private static String csr() throws Exception {
        return TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of());
    }

    @Test
    void aServiceAccountTokenBuysACertificateForItsServiceAccountWhateverTheCsrAsks() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String token = api.issue("shop", "web", Duration.ofHours(1), "istio-ca");
        KeyPair key = KeyType.ECDSA.generate();
        String dnsNames = TestPki.csr(key, List.of(), List.of("admin.istio-system.svc", "productpage.bookinfo.svc"));

        List<String> chain = client(ca).createCertificate(dnsNames, Duration.ofHours(1), token, "east");
        X509Certificate leaf = Pem.certificates(chain.get(0), "leaf").get(0);
        // the CSR's names are replaced, never granted: the reviewed identity is the only SAN
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, WEB.uri()));
        assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
        // and a CSR asking for another workload's identity is refused outright
        String istiod = TestPki.csr(key, List.of("spiffe://cluster.local/ns/istio-system/sa/istiod"), List.of());
        assertThatThrownBy(() -> client(ca).createCertificate(istiod, Duration.ofHours(1), token, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "the caller is authenticated as " + WEB.uri()));
        assertThat(api.reviews()).hasSize(1);
        assertThat(api.reviews().get(0).path("token").asText()).isEqualTo(token);
        assertThat(api.reviews().get(0).path("audiences").get(0).asText()).isEqualTo("istio-ca");
    }

    @Test
    void withoutAClusterIdTheFirstClusterReviewsAndAClusterIdPicksItsApiServer() throws Exception {
        FakeTokenReviewApi east = api();
        FakeTokenReviewApi west = api();
        CaRole ca = ca(cluster(east, "east"), cluster(west, "west"));
        String eastToken = east.issue("shop", "web", Duration.ofHours(1), "istio-ca");
        String westToken = west.issue("bank", "ledger", Duration.ofHours(1), "istio-ca");

        assertThat(leafUri(client(ca).createCertificate(csr(), Duration.ZERO, eastToken, null))).isEqualTo(WEB.uri());
        assertThat(leafUri(client(ca).createCertificate(csr(), Duration.ZERO, westToken, "west")))
                .isEqualTo("spiffe://cluster.local/ns/bank/sa/ledger");
        // a token of west presented as east's is east's API server's to judge, and it does not know it
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, westToken, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "API server of cluster east did not authenticate"));
        assertThat(east.reviews()).hasSize(2);
        assertThat(west.reviews()).hasSize(1);
    }

    @Test
    void aTokenTheApiServerDoesNotAuthenticateIsUnauthenticatedWithItsReason() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String forged = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDp3ZWIifQ.c2ln";
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, forged, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED,
                        "the API server of cluster east did not authenticate the service-account token: [invalid bearer token"))
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getDescription()).doesNotContain(forged)
                        .doesNotContain("join-token"));
        assertThat(ca.service().issued()).isZero();
    }

    @Test
    void aTokenThatIsNotAServiceAccountsIsRefused() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String alice = api.issueFor("alice@example.com", Duration.ofHours(1), "istio-ca");
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, alice, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "authenticates user \"alice@example.com\", not a service account"));
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedByTheApiServerOrByTheCa() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String kubeApiToken = api.issue("shop", "web", Duration.ofHours(1), "https://kubernetes.default.svc.cluster.local");
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, kubeApiToken, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "is invalid for the target audiences [istio-ca]"));

        api.confirmAnyAudience(true);
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, kubeApiToken, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "not for this CA: the API server of cluster east confirmed "
                        + "audiences [https://kubernetes.default.svc.cluster.local], none of [istio-ca]"));
        assertThat(ca.service().issued()).isZero();
    }

    @Test
    void theAudienceIsConfigurable() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east", "strait"));
        String token = api.issue("shop", "web", Duration.ofHours(1), "strait");
        assertThat(leafUri(client(ca).createCertificate(csr(), Duration.ZERO, token, "east"))).isEqualTo(WEB.uri());
        assertThat(api.reviews().get(0).path("audiences").toString()).isEqualTo("[\"strait\"]");
    }

    @Test
    void anUnreachableApiServerIsUnavailableNamingTheCluster() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String token = api.issue("shop", "web", Duration.ofHours(1), "istio-ca");
        api.close();
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, token, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAVAILABLE, "cannot reach the API server of cluster east (http://localhost:"));
    }

    @Test
    void anUnknownClusterIdIsRefusedNamingTheKnownOnes() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String token = api.issue("shop", "web", Duration.ofHours(1), "istio-ca");
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, token, "mars"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED,
                        "the caller says it runs in cluster \"mars\", but this CA reviews tokens only of [east]"));
        assertThat(api.reviews()).isEmpty();
    }

    @Test
    void oneTokenIsReviewedOnceWithinItsValidityAndFailuresAreNotCached() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String token = api.issue("shop", "web", Duration.ofHours(1), "istio-ca");
        for (int i = 0; i < 5; i++) {
            assertThat(leafUri(client(ca).createCertificate(csr(), Duration.ZERO, token, "east"))).isEqualTo(WEB.uri());
        }
        assertThat(api.reviews()).hasSize(1);
        assertThat(api.requestCount()).isEqualTo(1);

        String other = api.issue("shop", "cart", Duration.ofHours(1), "istio-ca");
        client(ca).createCertificate(csr(), Duration.ZERO, other, "east");
        assertThat(api.requestCount()).isEqualTo(2);

        String wrong = api.issue("shop", "web", Duration.ofHours(1), "elsewhere");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, wrong, "east"))
                    .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "invalid for the target audiences"));
        }
        assertThat(api.requestCount()).isEqualTo(4);
        assertThat(ca.service().issued()).isEqualTo(6);
    }

    @Test
    void joinTokensStillWorkAndNeverReachTheApiServer() throws Exception {
        FakeTokenReviewApi api = api();
        CaRole ca = ca(cluster(api, "east"));
        String join = ca.issueToken(WEB, Duration.ofHours(1));
        assertThat(leafUri(client(ca).createCertificate(csr(), Duration.ZERO, join, "east"))).isEqualTo(WEB.uri());
        String tampered = join.substring(0, join.length() - 4) + (join.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> client(ca).createCertificate(csr(), Duration.ZERO, tampered, "east"))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "join-token: the join token's signature does not verify"));
        assertThat(api.requestCount()).isZero();
    }

    @Test
    void aKubeconfigThatCannotBeUsedStopsTheStartWithItsName() throws Exception {
        Path missing = tmp.resolve("nowhere.kubeconfig");
        assertThatThrownBy(() -> ca(new TokenReviewCluster("east", missing, List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kubernetes-tokens cluster=east: kubeconfig " + missing.toAbsolutePath() + " is not a file");
        Path garbage = java.nio.file.Files.writeString(tmp.resolve("garbage.kubeconfig"), "clusters: [ : nope");
        assertThatThrownBy(() -> ca(new TokenReviewCluster("east", garbage, List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubeconfig " + garbage.toAbsolutePath());
    }

    private static String leafUri(List<String> chain) throws Exception {
        X509Certificate leaf = Pem.certificates(chain.get(0), "leaf").get(0);
        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1);
        return (String) leaf.getSubjectAlternativeNames().iterator().next().get(1);
    }

    private static void assertStatus(Throwable e, Status.Code code, String text) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        Status s = ((StatusRuntimeException) e).getStatus();
        assertThat(s.getCode()).as(s.toString()).isEqualTo(code);
        assertThat(s.getDescription()).contains(text).doesNotContain("Exception").doesNotContain("\tat ");
    }
}

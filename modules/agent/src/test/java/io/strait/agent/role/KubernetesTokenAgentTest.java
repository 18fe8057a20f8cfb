package io.strait.agent.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strait.ca.FakeTokenReviewApi;
import io.strait.agent.credentials.CaClient;
import io.strait.ca.auth.TokenReviewCluster;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.role.CaOptions;
import io.strait.ca.role.CaRole;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strait agent --kubernetes-token-file --ca-root-file} against a real CA role on its TLS secure port, whose
 * TokenReviews go to fabric8's mock API server: the workload gets its files for the reviewed service account, its
 * {@code --cluster-id} picks the API server, and the token file is read again when it is next needed.
 */
class KubernetesTokenAgentTest {
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

    /** A CA reviewing tokens of cluster "west" (the default) and "east". */
    private CaRole ca(FakeTokenReviewApi west, FakeTokenReviewApi east) throws Exception {
        CaOptions o = new CaOptions(tmp.resolve("ca"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test").withKubernetesTokens(List.of(
                new TokenReviewCluster("west", west.kubeconfig(tmp.resolve("west.kubeconfig")), List.of()),
                new TokenReviewCluster("east", east.kubeconfig(tmp.resolve("east.kubeconfig")), List.of())))
                .withKubernetesRootConfigMap(false); // the fake API servers answer TokenReviews only
        CaRole role = new CaRole(o, null, Clock.systemUTC(), List.of()).start();
        open.add(role);
        return role;
    }

    private AgentOptions options(CaRole ca, Path tokenFile, Path rootFile) {
        return AgentOptions.of("127.0.0.1:" + ca.securePort(), null, "web-1", "shop", "web", tmp.resolve("w"))
                .withKubernetesToken(tokenFile, rootFile).withClusterId("east");
    }

    private WorkloadAgent start(AgentOptions o) throws Exception {
        WorkloadAgent agent = WorkloadAgent.start(o);
        open.add(agent);
        return agent;
    }

    private Path rootFile(CaRole ca) throws Exception {
        return Files.writeString(tmp.resolve("istio-ca-root-cert/root-cert.pem").toAbsolutePath(), ca.keys().rootsPem());
    }

    private Path tokenFile(String token) throws Exception {
        Path f = tmp.resolve("tokens/istio-token");
        Files.createDirectories(f.getParent());
        return Files.writeString(f, token + "\n");
    }

    @Test
    void aServiceAccountTokenAndTheCaRootGetTheWorkloadItsFiles() throws Exception {
        FakeTokenReviewApi west = api();
        FakeTokenReviewApi east = api();
        CaRole ca = ca(west, east);
        Files.createDirectories(tmp.resolve("istio-ca-root-cert"));
        Path token = tokenFile(east.issue("shop", "web", Duration.ofHours(1), "istio-ca"));
        WorkloadAgent agent = start(options(ca, token, rootFile(ca)));

        X509Certificate leaf = Pem.certificates(Files.readString(agent.files().certChain()), "chain").get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, WEB.uri()));
        assertThat(Pem.certificates(Files.readString(agent.files().rootCert()), "roots")).containsExactly(ca.keys().root());
        assertThat(agent.options().bootstrapFile()).exists();
        // --cluster-id east went as clusterid: east's API server reviewed the token, the default cluster's did not
        assertThat(east.reviews()).hasSize(1);
        assertThat(west.requestCount()).isZero();
    }

    /**
     * The certificate expires while the agent cannot renew it (its clock jumps an hour): the way back is the token,
     * and the agent reads the file again, finding the token the kubelet rotated in.
     */
    @Test
    void theRotatedTokenFileIsReadAgainWhenTheCertificateMustBeReplaced() throws Exception {
        FakeTokenReviewApi west = api();
        FakeTokenReviewApi east = api();
        CaRole ca = ca(west, east);
        Files.createDirectories(tmp.resolve("istio-ca-root-cert"));
        String first = east.issue("shop", "web", Duration.ofMinutes(10), "istio-ca");
        Path token = tokenFile(first);
        MovableClock clock = new MovableClock();
        WorkloadAgent agent = start(options(ca, token, rootFile(ca)).withCertTtl(Duration.ofSeconds(10)).withClock(clock));
        BigInteger serial = agent.credentials().serial();

        String rotated = east.issue("shop", "web", Duration.ofHours(2), "istio-ca");
        tokenFile(rotated);
        clock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> east.reviews().stream().anyMatch(r -> r.path("token").asText().equals(rotated)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !agent.credentials().serial().equals(serial));
        assertThat(agent.credentials().leaf().getSubjectAlternativeNames()).containsExactly(List.of(6, WEB.uri()));
        assertThat(east.reviews()).noneMatch(r -> r.path("token").asText().isEmpty());
    }

    @Test
    void mistakesAreNamedBeforeTheCaIsCalled() throws Exception {
        FakeTokenReviewApi west = api();
        FakeTokenReviewApi east = api();
        CaRole ca = ca(west, east);
        Path token = tokenFile(east.issue("shop", "web", Duration.ofHours(1), "istio-ca"));
        assertThatThrownBy(() -> start(options(ca, token, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kubernetes-token-file needs --ca-root-file");
        Files.createDirectories(tmp.resolve("istio-ca-root-cert"));
        Path roots = rootFile(ca);
        assertThatThrownBy(() -> start(options(ca, tmp.resolve("missing-token"), roots)))
                .hasMessageContaining("cannot read --kubernetes-token-file " + tmp.resolve("missing-token").toAbsolutePath());
        Path cart = tokenFile(east.issue("shop", "cart", Duration.ofHours(1), "istio-ca"));
        assertThatThrownBy(() -> start(options(ca, cart, roots)))
                .hasMessageContaining("is system:serviceaccount:shop:cart, not system:serviceaccount:shop:web");
        assertThatThrownBy(() -> start(options(ca, token, Files.writeString(tmp.resolve("empty.pem"), ""))))
                .hasMessageContaining("--ca-root-file " + tmp.resolve("empty.pem").toAbsolutePath() + " holds no PEM certificate");
        assertThat(east.requestCount()).isZero();
    }

    @Test
    void theCaRefusingOrUnableToCheckTheTokenIsOneLine() throws Exception {
        FakeTokenReviewApi west = api();
        FakeTokenReviewApi east = api();
        CaRole ca = ca(west, east);
        Files.createDirectories(tmp.resolve("istio-ca-root-cert"));
        Path roots = rootFile(ca);
        Path wrongAudience = tokenFile(east.issue("shop", "web", Duration.ofHours(1), "https://kubernetes.default.svc"));
        assertThatThrownBy(() -> start(options(ca, wrongAudience, roots)))
                .isInstanceOf(CaClient.CaRefused.class)
                .hasMessageContaining("refused the Kubernetes service-account token in " + wrongAudience)
                .hasMessageContaining("is invalid for the target audiences [istio-ca]");
        Path good = tokenFile(east.issue("shop", "web", Duration.ofHours(1), "istio-ca"));
        east.close();
        assertThatThrownBy(() -> start(options(ca, good, roots)))
                .isInstanceOf(CaClient.CaRefused.class)
                .hasMessageContaining("cannot check the Kubernetes service-account token in " + good + " now")
                .hasMessageContaining("cannot reach the API server of cluster east");
        assertThat(tmp.resolve("w/cert-chain.pem")).doesNotExist();
    }

    /** A clock the test moves forward. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

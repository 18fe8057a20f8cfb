package io.strait.ca.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.strait.ca.FakeTokenReviewApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TokenReview client against fabric8's mock API server: bounded in time, and the CA's own refusal named. */
class KubernetesTokenReviewerTest {
    private final KubernetesMockServer server = new KubernetesMockServer(false);
    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        server.destroy();
    }

    private KubernetesTokenReviewer reviewer(Duration timeout) throws Exception {
        server.init();
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://localhost:%d"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: ca}}]
                """.formatted(server.getPort()));
        return KubernetesTokenReviewer.open(new TokenReviewCluster("east", kubeconfig, List.of()), timeout);
    }

    @Test
    void aSlowApiServerIsUnavailableWithinTheTimeout() throws Exception {
        server.expect().post().delay(10, TimeUnit.SECONDS).withPath(FakeTokenReviewApi.PATH)
                .andReturn(201, "{\"status\":{\"authenticated\":true}}").always();
        try (KubernetesTokenReviewer r = reviewer(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> r.review("a.b.c", List.of("istio-ca")))
                    .isInstanceOf(AuthenticationUnavailable.class)
                    .hasMessageContaining("the API server of cluster east (http://localhost:" + server.getPort() + "/) did not answer "
                            + "the TokenReview within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anApiServerThatRefusesTheCaSaysWhichPermissionIsMissing() throws Exception {
        server.expect().post().withPath(FakeTokenReviewApi.PATH).andReturn(403, """
                {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                 "message":"tokenreviews.authentication.k8s.io is forbidden: User \\"system:serviceaccount:strait:ca\\" cannot create resource"}
                """).always();
        try (KubernetesTokenReviewer r = reviewer(Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> r.review("a.b.c", List.of("istio-ca")))
                    .isInstanceOf(AuthenticationUnavailable.class)
                    .hasMessageContaining("refused the CA's TokenReview (HTTP 403)")
                    .hasMessageContaining("needs create on tokenreviews.authentication.k8s.io");
        }
    }
}

package io.strait.ca.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * TokenReviews against one cluster's API server with fabric8's client: {@code POST
 * /apis/authentication.k8s.io/v1/tokenreviews}, bounded by a timeout and never retried by the client (the agent
 * retries; a CA thread must not wait through a backoff). The CA's account there needs {@code create} on
 * {@code tokenreviews} (Istio's {@code system:auth-delegator} binding grants it).
 */
public final class KubernetesTokenReviewer implements TokenReviewer {
    /** How long one review may take before the caller is told UNAVAILABLE. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String clusterId;
    private final KubernetesClient client;
    private final String server;
    private final Duration timeout;

    private KubernetesTokenReviewer(String clusterId, Config config, Duration timeout) {
        this.clusterId = clusterId;
        this.timeout = timeout;
        this.server = config.getMasterUrl();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * A reviewer for {@code cluster}, its client built from the kubeconfig (or the in-cluster config).
     *
     * @throws IllegalArgumentException naming the flag and file when the kubeconfig is missing or unusable
     */
    public static KubernetesTokenReviewer open(TokenReviewCluster cluster, Duration timeout) {
        return new KubernetesTokenReviewer(cluster.clusterId(), config(cluster, timeout), timeout);
    }

    /**
     * The client configuration for {@code cluster} (its kubeconfig, or the in-cluster config): requests and
     * connections bounded by {@code timeout}, never retried by the client. Also what the CA's root-certificate
     * ConfigMaps are written with ({@code io.strait.ca.role.RootCertPublisher}).
     *
     * @throws IllegalArgumentException naming the flag and file when the kubeconfig is missing or unusable
     */
    public static Config config(TokenReviewCluster cluster, Duration timeout) {
        Config base;
        if (cluster.inCluster()) {
            if (!Files.isRegularFile(java.nio.file.Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH))) {
                throw new IllegalArgumentException("--kubernetes-tokens cluster=" + cluster.clusterId() + ",kubeconfig=in-cluster: "
                        + Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH + " does not exist, so this is not a pod; give kubeconfig=PATH");
            }
            base = Config.autoConfigure(null);
        } else {
            if (!Files.isRegularFile(cluster.kubeconfig())) {
                throw new IllegalArgumentException("--kubernetes-tokens cluster=" + cluster.clusterId() + ": kubeconfig "
                        + cluster.kubeconfig().toAbsolutePath() + " is not a file");
            }
            try {
                base = Config.fromKubeconfig(cluster.kubeconfig().toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--kubernetes-tokens cluster=" + cluster.clusterId() + ": kubeconfig "
                        + cluster.kubeconfig().toAbsolutePath() + " cannot be read: " + e.getMessage());
            }
            if (base.getMasterUrl() == null || base.getMasterUrl().isBlank()) {
                throw new IllegalArgumentException("--kubernetes-tokens cluster=" + cluster.clusterId() + ": kubeconfig "
                        + cluster.kubeconfig().toAbsolutePath() + " names no server in its current context");
            }
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return new ConfigBuilder(base).withRequestTimeout(ms).withConnectionTimeout(ms).withRequestRetryBackoffLimit(0).build();
    }

    @Override
    public TokenReviewResult review(String token, List<String> audiences) throws AuthenticationUnavailable {
        TokenReview request = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audiences).endSpec().build();
        TokenReview answer;
        try {
            answer = client.authentication().v1().tokenReviews().create(request);
        } catch (KubernetesClientException e) {
            throw new AuthenticationUnavailable(describe(e));
        } catch (RuntimeException e) {
            throw new AuthenticationUnavailable("cannot review the token with the API server of cluster " + clusterId + " (" + server + "): "
                    + rootMessage(e));
        }
        TokenReviewStatus s = answer == null ? null : answer.getStatus();
        if (s == null) {
            throw new AuthenticationUnavailable("the API server of cluster " + clusterId + " (" + server + ") answered the TokenReview without a status");
        }
        return new TokenReviewResult(Boolean.TRUE.equals(s.getAuthenticated()), s.getError(),
                s.getUser() == null ? "" : s.getUser().getUsername(), s.getAudiences());
    }

    private String describe(KubernetesClientException e) {
        int code = e.getCode();
        if (code == 401 || code == 403) {
            return "the API server of cluster " + clusterId + " (" + server + ") refused the CA's TokenReview (HTTP " + code
                    + "): the CA's account there needs create on tokenreviews.authentication.k8s.io (bind it to system:auth-delegator)";
        }
        if (code > 0) {
            return "the API server of cluster " + clusterId + " (" + server + ") failed the TokenReview (HTTP " + code + ")"
                    + (e.getStatus() != null && e.getStatus().getMessage() != null ? ": " + e.getStatus().getMessage() : "");
        }
        if (timedOut(e)) {
            return "the API server of cluster " + clusterId + " (" + server + ") did not answer the TokenReview within " + timeout.toMillis() + " ms";
        }
        return "cannot reach the API server of cluster " + clusterId + " (" + server + ") to review the token: " + rootMessage(e);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        client.close();
    }
}

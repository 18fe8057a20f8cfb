package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.token.JoinTokens;
import io.strait.ca.token.UnverifiedJwt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes service-account token as bearer token, as Istio's {@code KubeJWTAuthenticator} takes it: reviewed by
 * the API server of the cluster the caller names in its {@code clusterid} metadata (none: the first configured
 * cluster), for the configured audiences; the identity is {@code spiffe://<trust-domain>/ns/<ns>/sa/<sa>} from the
 * review's {@code system:serviceaccount:<ns>:<sa>}. Join tokens are left to {@link JoinTokenAuthenticator} and never
 * sent to an API server. Successful reviews are cached ({@link TokenReviewCache}); failures are not. The token is
 * never logged.
 */
public final class KubernetesTokenAuthenticator implements CallerAuthenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesTokenAuthenticator.class);
    /** Larger than any real service-account token (~1 KB); bigger ones are refused before reaching an API server. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    /** One cluster: its reviewer and the audiences a token must carry. */
    public record Cluster(TokenReviewCluster config, TokenReviewer reviewer) {
    }

    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final String defaultCluster;
    private final String trustDomain;
    private final TokenReviewCache cache;

    /**
     * @param clusters    at least one; the first is the cluster of callers that send no {@code clusterid}
     * @param trustDomain the trust domain of the identities
     */
    public KubernetesTokenAuthenticator(List<Cluster> clusters, String trustDomain, TokenReviewCache cache) {
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("a Kubernetes token authenticator needs at least one cluster");
        }
        for (Cluster c : clusters) {
            if (this.clusters.putIfAbsent(c.config().clusterId(), c) != null) {
                throw new IllegalArgumentException("--kubernetes-tokens names cluster " + c.config().clusterId() + " twice");
            }
        }
        this.defaultCluster = clusters.get(0).config().clusterId();
        this.trustDomain = trustDomain;
        this.cache = cache;
    }

    @Override
    public Optional<SpiffeId> authenticate(CallerCredentials credentials) throws AuthenticationFailed {
        String token = credentials.bearerToken();
        if (token == null || JoinTokens.isJoinToken(token)) {
            return Optional.empty();
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationFailed("the bearer token is " + token.length() + " characters; at most " + MAX_TOKEN_CHARS + " are accepted");
        }
        String clusterId = credentials.clusterId() == null ? defaultCluster : credentials.clusterId();
        Cluster cluster = clusters.get(clusterId);
        if (cluster == null) {
            throw new AuthenticationFailed("the caller says it runs in cluster \"" + clusterId + "\", but this CA reviews tokens only of "
                    + new ArrayList<>(clusters.keySet()) + "; set the agent's --cluster-id to one of them or add --kubernetes-tokens for "
                    + clusterId);
        }
        Optional<SpiffeId> cached = cache.get(clusterId, token);
        if (cached.isPresent()) {
            return cached;
        }
        List<String> audiences = cluster.config().audiences();
        SpiffeId id = cluster.reviewer().review(token, audiences).identity(clusterId, audiences, trustDomain);
        cache.put(clusterId, token, id, UnverifiedJwt.read(token).flatMap(UnverifiedJwt::expiresAt));
        LOG.debug("service-account token of cluster {} reviewed: {}", clusterId, id);
        return Optional.of(id);
    }

    @Override
    public String name() {
        return "kubernetes-token";
    }

    /** Closes every cluster's client. */
    @Override
    public void close() {
        clusters.values().forEach(c -> c.reviewer().close());
    }
}

package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import java.util.List;

/**
 * What an API server answered to a TokenReview ({@code authentication.k8s.io/v1} {@code status}), and the rule that
 * turns it into a workload identity. Pure: the review itself is a {@link TokenReviewer}'s.
 *
 * @param authenticated {@code status.authenticated}
 * @param error         {@code status.error} (the API server's reason for a refusal), or ""
 * @param username      {@code status.user.username}, e.g. {@code system:serviceaccount:shop:web}, or ""
 * @param audiences     {@code status.audiences}: those of the requested audiences the token was issued for
 */
public record TokenReviewResult(boolean authenticated, String error, String username, List<String> audiences) {
    /** The username prefix of service accounts. */
    public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    public TokenReviewResult {
        error = error == null ? "" : error;
        username = username == null ? "" : username;
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }

    /**
     * The identity the review proves, as Istio names it: {@code spiffe://<trust-domain>/ns/<ns>/sa/<sa>} from the
     * username {@code system:serviceaccount:<ns>:<sa>}. Fails closed: a token the API server did not authenticate, a
     * user that is not a service account, or a review that confirms none of {@code wanted} audiences is refused
     * (the TokenReview API asks its clients to check {@code status.audiences} themselves).
     *
     * @param cluster the cluster's id, for messages
     * @throws AuthenticationFailed saying which of these it was
     */
    public SpiffeId identity(String cluster, List<String> wanted, String trustDomain) throws AuthenticationFailed {
        if (!authenticated) {
            throw new AuthenticationFailed("the API server of cluster " + cluster + " did not authenticate the service-account token"
                    + (error.isBlank() ? "" : ": " + error));
        }
        if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            throw new AuthenticationFailed("the token of cluster " + cluster + " authenticates user \"" + username
                    + "\", not a service account (system:serviceaccount:<namespace>:<name>); only workloads' service-account tokens are accepted");
        }
        String[] nsSa = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
        if (nsSa.length != 2 || nsSa[0].isEmpty() || nsSa[1].isEmpty()) {
            throw new AuthenticationFailed("the token of cluster " + cluster + " names service account \"" + username
                    + "\", which is not system:serviceaccount:<namespace>:<name>");
        }
        if (audiences.stream().noneMatch(wanted::contains)) {
            throw new AuthenticationFailed("the service-account token is not for this CA: the API server of cluster " + cluster
                    + " confirmed audiences " + audiences + ", none of " + wanted
                    + "; mount a projected token with audience " + wanted.get(0) + " (Istio's istio-token volume)");
        }
        try {
            return new SpiffeId(trustDomain, nsSa[0], nsSa[1]);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailed("the service account " + username + " of cluster " + cluster + " is not a valid workload identity: "
                    + e.getMessage());
        }
    }
}

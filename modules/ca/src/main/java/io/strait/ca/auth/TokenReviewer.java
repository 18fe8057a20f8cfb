package io.strait.ca.auth;

import java.util.List;

/** Asks one cluster's API server to review a bearer token (a {@code TokenReview} create). */
public interface TokenReviewer extends AutoCloseable {
    /**
     * The API server's answer for {@code token}, issued for one of {@code audiences}.
     *
     * @throws AuthenticationUnavailable when the API server did not answer in time, is unreachable, or refused the
     *                                   CA's own request (credentials, RBAC) — the caller should retry
     */
    TokenReviewResult review(String token, List<String> audiences) throws AuthenticationUnavailable;

    @Override
    void close();
}

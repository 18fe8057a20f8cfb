package io.strait.ca.token;

import io.strait.ca.identity.SpiffeId;
import java.time.Instant;

/**
 * What a join token says, once verified: the one identity it grants, until when, its unique id (for audit logs — the
 * token itself is never logged) and the fingerprint of the root it was issued under, so that a new workload can check
 * the CA it talks to before trusting it.
 *
 * @param identity        the workload identity the bearer may obtain a certificate for
 * @param issuedAt        when it was issued
 * @param expiresAt       when it stops being accepted
 * @param id              a unique id ({@code jti})
 * @param rootFingerprint {@code sha256:<hex>} of the root's DER
 */
public record JoinToken(SpiffeId identity, Instant issuedAt, Instant expiresAt, String id, String rootFingerprint) {
}

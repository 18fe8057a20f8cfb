package io.strait.translate.pilot.authz;

/**
 * A rule part the target cannot evaluate (an HTTP attribute on a TCP chain, a JWT claim on a gRPC server) or a
 * value that cannot be read. What happens next fails closed: an ALLOW rule holding it is dropped (it allows less), a
 * DENY or AUDIT rule drops just that part (it denies more), as Istio's builder does.
 */
final class NotEnforceable extends RuntimeException {
    NotEnforceable(String message) {
        super(message, null, false, false); // control flow, not a failure: no stack trace to pay for
    }
}

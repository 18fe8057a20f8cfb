package io.strait.ca.token;

/** A join token that is malformed, tampered with, expired, or from another CA; the message never quotes the token. */
public final class TokenRejected extends Exception {
    public TokenRejected(String message) {
        super(message, null, false, false);
    }
}

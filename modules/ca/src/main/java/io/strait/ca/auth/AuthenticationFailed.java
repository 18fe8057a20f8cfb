package io.strait.ca.auth;

/** The caller's credentials prove no identity; the message says why (it never quotes a token). */
public class AuthenticationFailed extends Exception {
    public AuthenticationFailed(String message) {
        super(message, null, false, false);
    }
}

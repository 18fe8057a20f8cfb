package io.strait.ingest.source;

/**
 * A source that can be told to look for news now instead of at its next poll: what a webhook endpoint calls when a
 * git server reports a push. Triggers that arrive while a fetch is queued are folded into it, so a burst of pushes
 * costs one fetch; calling it never blocks and never throws.
 */
public interface FetchTrigger {

    /** Asks for a fetch as soon as possible; {@code reason} (e.g. {@code "webhook push abc123"}) is only logged. */
    void fetchNow(String reason);

    /**
     * Whether this source follows that repository and ref, as a push notification names them: the URL in any of its
     * usual spellings (credentials, a trailing {@code .git} or slash, the host's case do not matter) and the ref as
     * {@code main} or {@code refs/heads/main}; a null ref matches any.
     */
    boolean matches(String repoUrl, String ref);
}

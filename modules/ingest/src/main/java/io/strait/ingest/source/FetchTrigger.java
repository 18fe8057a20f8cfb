package io.strait.ingest.source;

/**
 * A config source that can be told to fetch now, because its forge said a push happened: what a webhook calls.
 * The git source implements it; the admin port's {@code POST /webhooks/git} asks every trigger whether it watches
 * the pushed repository and branch, and calls {@link #fetchNow} on those that do (bursts already coalesced).
 */
public interface FetchTrigger {
    /**
     * Whether this source watches {@code repoUrl} at {@code ref}.
     *
     * @param repoUrl one of the URLs the forge gave for the pushed repository (https, ssh or scp-like form)
     * @param ref     the pushed ref, {@code refs/heads/<branch>}
     */
    boolean matches(String repoUrl, String ref);

    /**
     * Fetch as soon as possible, off the caller's thread; must not block (the caller may be an event loop).
     *
     * @param reason why, for the source's log line (e.g. {@code github push 0123abcd}); carries no secret
     */
    void fetchNow(String reason);
}

package io.strait.cli.notify;

import java.net.URI;
import java.util.List;

/**
 * Where revision events go ({@code --notify-url}, {@code --notify-github-status}).
 *
 * @param urls         receivers of the signed JSON event, in order
 * @param secret       the HMAC key of {@code X-Strait-Signature}; required when {@code urls} is not empty
 * @param githubToken  the token for GitHub's commit-status API, or null for no commit statuses
 * @param githubApi    the API base ({@code https://api.github.com}, or a GitHub Enterprise {@code https://host/api/v3})
 */
public record NotifyOptions(List<URI> urls, byte[] secret, String githubToken, URI githubApi) {
    public static final URI GITHUB_API = URI.create("https://api.github.com");

    public NotifyOptions {
        urls = List.copyOf(urls);
        if (!urls.isEmpty() && (secret == null || secret.length == 0)) {
            throw new IllegalArgumentException("--notify-url needs --notify-secret-file: receivers check X-Strait-Signature, "
                    + "and unsigned events could be forged by anyone who can reach them");
        }
        githubApi = githubApi == null ? GITHUB_API : githubApi;
    }

    /** No notifications. */
    public static NotifyOptions none() {
        return new NotifyOptions(List.of(), null, null, null);
    }

    public boolean any() {
        return !urls.isEmpty() || githubToken != null;
    }

    /** Never the secret or the token: options get printed in debug output. */
    @Override
    public String toString() {
        return "NotifyOptions[urls=" + urls.size() + ", githubStatus=" + (githubToken != null) + ", githubApi=" + githubApi + "]";
    }
}

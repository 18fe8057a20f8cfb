package io.strait.cli.notify;

import io.strait.ingest.source.RepositoryUrl;
import io.strait.model.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --notify-github-status}: the event as a GitHub commit status ({@code POST /repos/<owner>/<repo>/statuses/<sha>},
 * context {@value #CONTEXT}): accepted → pending, applied → success, rejected or nacked → failure; the description
 * says N/M proxies. Only for revisions that are git commits of a source named {@code git:<url>@<branch>} whose URL is
 * a repository of this API's host: github.com for the default API, the API's own host for GitHub Enterprise.
 */
public final class GitHubStatus implements NotifyTarget {
    public static final String CONTEXT = "strait/rollout";

    private final URI api;
    private final String token;

    public GitHubStatus(URI api, String token) {
        this.api = api;
        this.token = token;
    }

    /** {@code owner/repo} of a source on this forge, or empty. */
    Optional<String> repository(String source) {
        if (source == null || !source.startsWith("git:") || source.lastIndexOf('@') <= 4) {
            return Optional.empty();
        }
        String host = api.getHost().equalsIgnoreCase("api.github.com") ? "github.com" : api.getHost().toLowerCase(java.util.Locale.ROOT);
        return RepositoryUrl.parse(source.substring(4, source.lastIndexOf('@')))
                .filter(r -> r.host().equals(host) && r.path().split("/").length == 2)
                .map(RepositoryUrl::path);
    }

    @Override
    public Optional<HttpRequest> request(RevisionEvent event) {
        if (event.commit() == null || event.commit().sha() == null) {
            return Optional.empty();
        }
        Optional<String> repo = repository(event.source());
        if (repo.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", state(event.event()));
        body.put("description", clip(description(event)));
        body.put("context", CONTEXT);
        String base = api.toString().endsWith("/") ? api.toString() : api + "/";
        URI uri = URI.create(base + "repos/" + repo.get() + "/statuses/" + event.commit().sha());
        return Optional.of(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("accept", "application/vnd.github+json")
                .header("authorization", "Bearer " + token)
                .header("x-github-api-version", "2022-11-28")
                .header("user-agent", "strait-notifier")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    static String state(String event) {
        return switch (event) {
            case RevisionEvent.ACCEPTED -> "pending";
            case RevisionEvent.APPLIED -> "success";
            default -> "failure";
        };
    }

    static String description(RevisionEvent e) {
        int applied = e.proxies() == null ? 0 : e.proxies().applied();
        int total = e.proxies() == null ? 0 : e.proxies().total();
        return switch (e.event()) {
            case RevisionEvent.ACCEPTED -> "Accepted; rolling out to " + total + " proxies";
            case RevisionEvent.APPLIED -> "Applied by " + applied + "/" + total + " proxies"
                    + (e.convergeMillis() >= 0 ? " in " + e.convergeMillis() + " ms" : "");
            case RevisionEvent.HALTED -> "Rollout halted at the canary: " + (e.nacks().isEmpty() ? "see strait status --revisions"
                    : e.nacks().values().iterator().next());
            case RevisionEvent.REJECTED -> "Rejected: " + (e.findings().isEmpty() ? "invalid config" : e.findings().get(0).describe());
            default -> "NACKed by " + e.nacks().size() + " of " + total + " proxies"
                    + (e.nacks().isEmpty() ? "" : ": " + e.nacks().values().iterator().next());
        };
    }

    /** GitHub refuses descriptions over 140 characters. */
    private static String clip(String s) {
        return s.length() <= 140 ? s : s.substring(0, 139) + "…";
    }

    @Override
    public String name() {
        return "GitHub statuses at " + NotifyTarget.redacted(api);
    }
}

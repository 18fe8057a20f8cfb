package io.strait.cli.runtime.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a push says: the repository's URLs as the forge gives them, the ref and the new head. Read from GitHub's
 * ({@code repository.clone_url|ssh_url|html_url}), GitLab's ({@code project.git_http_url|git_ssh_url}) and the
 * generic form ({@code {"repository": "<url>", "ref": "refs/heads/main", "after": "<sha>"}}) alike.
 *
 * @param repoUrls every URL the payload names for the repository (a source matches any of them)
 * @param ref      the pushed ref, {@code refs/heads/<branch>} for a branch
 * @param after    the new head commit, or null when the payload has none
 */
public record PushPayload(List<String> repoUrls, String ref, String after) {
    private static final List<String> REPOSITORY_FIELDS = List.of("clone_url", "ssh_url", "html_url", "git_url", "url",
            "git_http_url", "git_ssh_url");
    private static final List<String> PROJECT_FIELDS = List.of("git_http_url", "git_ssh_url", "http_url", "ssh_url", "web_url");

    /** @throws IllegalArgumentException with what is missing, when the body is no push payload */
    public static PushPayload parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.TREE.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        List<String> urls = new ArrayList<>();
        JsonNode repository = root.path("repository");
        if (repository.isTextual()) {
            urls.add(repository.asText());
        }
        collect(repository, REPOSITORY_FIELDS, urls);
        collect(root.path("project"), PROJECT_FIELDS, urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("the payload names no repository (repository.clone_url, project.git_http_url, "
                    + "or \"repository\": \"<url>\")");
        }
        JsonNode ref = root.path("ref");
        if (!ref.isTextual() || ref.asText().isEmpty()) {
            throw new IllegalArgumentException("the payload has no \"ref\" (refs/heads/<branch>)");
        }
        JsonNode after = root.path("after");
        return new PushPayload(List.copyOf(urls), ref.asText(), after.isTextual() ? after.asText() : null);
    }

    private static void collect(JsonNode node, List<String> fields, List<String> into) {
        for (String f : fields) {
            JsonNode v = node.path(f);
            if (v.isTextual() && !v.asText().isBlank() && !into.contains(v.asText())) {
                into.add(v.asText());
            }
        }
    }

    /** {@code <first url>@<branch or ref>}, for messages. */
    public String describe() {
        String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        return repoUrls.get(0) + "@" + branch;
    }
}

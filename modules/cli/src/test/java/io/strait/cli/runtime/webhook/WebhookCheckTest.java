package io.strait.cli.runtime.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which deliveries are authentic, and what an authentic push says, for each forge's form. */
class WebhookCheckTest {
    private static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
    static final String GITHUB_PUSH = """
            {"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567",
             "repository":{"clone_url":"https://github.com/acme/mesh.git","ssh_url":"git@github.com:acme/mesh.git",
                           "html_url":"https://github.com/acme/mesh"}}""";
    private static final String GITLAB_PUSH = """
            {"object_kind":"push","ref":"refs/heads/main","after":"89abcdef",
             "project":{"git_http_url":"https://gitlab.com/acme/mesh.git","git_ssh_url":"git@gitlab.com:acme/mesh.git"}}""";

    private static WebhookCheck.Outcome check(Map<String, String> headers, String body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return WebhookCheck.check(h::get, body.getBytes(StandardCharsets.UTF_8), SECRET);
    }

    private static String sign(String body) {
        return WebhookCheck.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
    }

    @Test
    void gitHubsTestVectorVerifies() {
        // the example of GitHub's "Validating webhook deliveries"
        assertThat(WebhookCheck.sign("Hello, World!".getBytes(StandardCharsets.UTF_8), SECRET))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void aSignedGitHubPushNamesItsRepositoryInEveryFormAndItsBranch() {
        WebhookCheck.Outcome o = check(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(GITHUB_PUSH)), GITHUB_PUSH);
        assertThat(o).isInstanceOf(WebhookCheck.Push.class);
        PushPayload p = ((WebhookCheck.Push) o).payload();
        assertThat(p.repoUrls()).containsExactly("https://github.com/acme/mesh.git", "git@github.com:acme/mesh.git", "https://github.com/acme/mesh");
        assertThat(p.ref()).isEqualTo("refs/heads/main");
        assertThat(p.after()).startsWith("0123456789ab");
    }

    @Test
    void aWrongMissingOrSha1OnlyGitHubSignatureIsRefused() {
        assertThat(check(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", sign(GITHUB_PUSH + " ")), GITHUB_PUSH))
                .isInstanceOf(WebhookCheck.Refused.class);
        assertThat(check(Map.of("X-GitHub-Event", "push"), GITHUB_PUSH)).isInstanceOf(WebhookCheck.Refused.class);
        assertThat(check(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=zz"), GITHUB_PUSH)).isInstanceOf(WebhookCheck.Refused.class);
        WebhookCheck.Outcome sha1 = check(Map.of("X-GitHub-Event", "push", "X-Hub-Signature", "sha1=0000"), GITHUB_PUSH);
        assertThat(((WebhookCheck.Refused) sha1).why()).contains("not the SHA-1");
    }

    @Test
    void aSignedPingIsAnsweredAndAnUnsignedOneRefused() {
        assertThat(check(Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", sign("{}")), "{}")).isInstanceOf(WebhookCheck.Ignored.class);
        assertThat(check(Map.of("X-GitHub-Event", "ping"), "{}")).isInstanceOf(WebhookCheck.Refused.class);
    }

    @Test
    void gitLabsTokenMustEqualTheSecret() {
        assertThat(check(Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", new String(SECRET, StandardCharsets.UTF_8)), GITLAB_PUSH))
                .isInstanceOfSatisfying(WebhookCheck.Push.class, p -> assertThat(p.payload().repoUrls()).contains("git@gitlab.com:acme/mesh.git"));
        assertThat(check(Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "guess"), GITLAB_PUSH)).isInstanceOf(WebhookCheck.Refused.class);
        assertThat(check(Map.of("X-Gitlab-Event", "Push Hook"), GITLAB_PUSH)).isInstanceOf(WebhookCheck.Refused.class);
        assertThat(check(Map.of("X-Gitlab-Event", "Tag Push Hook", "X-Gitlab-Token", new String(SECRET, StandardCharsets.UTF_8)), GITLAB_PUSH))
                .isInstanceOf(WebhookCheck.Ignored.class);
    }

    @Test
    void theGenericFormIsAnHmacOverTheBody() {
        String body = "{\"repository\":\"git@example.com:acme/mesh.git\",\"ref\":\"refs/heads/main\"}";
        assertThat(check(Map.of("X-Strait-Signature", sign(body)), body)).isInstanceOf(WebhookCheck.Push.class);
        assertThat(check(Map.of(), body)).isInstanceOfSatisfying(WebhookCheck.Refused.class, r -> assertThat(r.why()).contains("unsigned"));
    }

    @Test
    void anAuthenticBodyThatIsNoPushIsMalformedWithWhatIsMissing() {
        String body = "{\"ref\":\"refs/heads/main\"}";
        assertThat(check(Map.of("X-Strait-Signature", sign(body)), body))
                .isInstanceOfSatisfying(WebhookCheck.Malformed.class, m -> assertThat(m.why()).contains("names no repository"));
        assertThat(check(Map.of("X-Strait-Signature", sign("[1")), "[1")).isInstanceOf(WebhookCheck.Malformed.class);
    }
}

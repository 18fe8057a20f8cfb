package io.strait.it;

import io.strait.ingest.git.GitSourceOptions;
import io.strait.ingest.git.SmartHttpGitServer;
import io.strait.ingest.git.TestRepo;
import io.strait.model.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A config repository as a forge would hold it: a real bare repository (pushed to by a working clone) served over
 * smart HTTP with a token, and the GitHub push webhook that announces each push to a node's admin port.
 */
final class GitRemote implements AutoCloseable {
    static final byte[] WEBHOOK_SECRET = "gitops-webhook-secret".getBytes(StandardCharsets.UTF_8);
    /** No polling: in these tests only the webhook makes the source fetch, so a move proves the webhook did it. */
    private static final Duration NO_POLL = Duration.ofHours(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final TestRepo repo;
    final SmartHttpGitServer http;
    private final Path tokenFile;

    GitRemote(Path dir) throws Exception {
        this.repo = new TestRepo(dir);
        this.http = new SmartHttpGitServer(repo.bare, "x-access-token", "gitops-token");
        this.tokenFile = Files.writeString(dir.resolve("token"), "gitops-token\n");
    }

    /** The git source a node runs for this repository's main branch. */
    GitSourceOptions source() {
        return GitSourceOptions.of(http.url(), "main").withToken(null, tokenFile).withPoll(NO_POLL);
    }

    /** The files of a folder, relative path to text: what a commit of that folder holds. */
    static Map<String, String> filesOf(Path folder) throws Exception {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (!p.getFileName().toString().startsWith(".")) {
                    files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readString(p));
                }
            }
        }
        return files;
    }

    /** The body GitHub sends for a push to main, with the fields the endpoint reads. */
    String pushPayload(String after) {
        return Json.MAPPER.createObjectNode().put("ref", "refs/heads/main").put("after", after)
                .set("repository", Json.MAPPER.createObjectNode().put("clone_url", http.url())).toString();
    }

    /** Sends a signed GitHub push webhook to the admin port; returns the HTTP status. */
    int webhook(int adminPort, String after) throws Exception {
        String body = pushPayload(after);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/webhooks/git"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", sign(body)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_SECRET, "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code GET /revisions/<id>} as JSON, or null when the admin port does not know it yet (404). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> revision(int adminPort, String id) throws Exception {
        HttpResponse<byte[]> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/revisions/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return res.statusCode() == 404 ? null : Json.read(res.body(), Map.class);
    }

    @Override
    public void close() {
        http.close();
        repo.close();
    }
}

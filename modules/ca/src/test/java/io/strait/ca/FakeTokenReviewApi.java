package io.strait.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.strait.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Kubernetes API server's TokenReview endpoint on fabric8's mock server (expectations mode, a real HTTP server):
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews} answered from the tokens this test issued, as a real API
 * server would — an unknown token is not authenticated (with the API server's error text), a token for other
 * audiences is not authenticated either, unless {@link #confirmAnyAudience} makes it answer like a lax authenticator
 * that reports the token's own audiences (so the CA's own audience check is what refuses it). Records every review.
 */
public final class FakeTokenReviewApi implements AutoCloseable {
    public static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    private record Grant(String username, List<String> audiences) {
    }

    private final KubernetesMockServer server = new KubernetesMockServer(false);
    private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
    private final List<JsonNode> reviews = new CopyOnWriteArrayList<>();
    private volatile boolean anyAudience;

    public FakeTokenReviewApi() {
        server.init();
        server.expect().post().withPath(PATH).andReply(201, request -> answer(request.getUtf8Body())).always();
    }

    /** A service-account token of {@code ns/sa} for {@code audiences}, valid for {@code ttl}. */
    public String issue(String ns, String sa, Duration ttl, String... audiences) {
        return issueFor("system:serviceaccount:" + ns + ":" + sa, ttl, audiences);
    }

    /** A token that authenticates {@code username} (a person, say) for {@code audiences}. */
    public String issueFor(String username, Duration ttl, String... audiences) {
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"fake\"}");
        ObjectNode claims = Json.MAPPER.createObjectNode().put("iss", "https://kubernetes.default.svc.cluster.local").put("sub", username)
                .put("exp", Instant.now().plus(ttl).getEpochSecond()).put("jti", java.util.UUID.randomUUID().toString());
        ArrayNode aud = claims.putArray("aud");
        List.of(audiences).forEach(aud::add);
        String token = header + "." + b64(claims.toString()) + "." + b64("not-a-real-signature-" + tokens.size());
        tokens.put(token, new Grant(username, List.of(audiences)));
        return token;
    }

    /** Answer like a lax authenticator: authenticated, reporting the token's audiences whatever was asked. */
    public void confirmAnyAudience(boolean lax) {
        anyAudience = lax;
    }

    private String answer(String body) {
        JsonNode spec;
        try {
            spec = Json.MAPPER.readTree(body).path("spec");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        reviews.add(spec);
        List<String> asked = new ArrayList<>();
        spec.path("audiences").forEach(a -> asked.add(a.asText()));
        Grant g = tokens.get(spec.path("token").asText());
        ObjectNode review = Json.MAPPER.createObjectNode().put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
        review.set("spec", spec);
        ObjectNode status = review.putObject("status");
        if (g == null) {
            status.put("authenticated", false).put("error", "[invalid bearer token, square/go-jose: error in cryptographic primitive]");
            return review.toString();
        }
        List<String> both = g.audiences().stream().filter(asked::contains).toList();
        if (both.isEmpty() && !anyAudience) {
            status.put("authenticated", false).put("error", "[invalid bearer token, token audiences " + g.audiences()
                    + " is invalid for the target audiences " + asked + "]");
            return review.toString();
        }
        status.put("authenticated", true);
        ObjectNode user = status.putObject("user").put("username", g.username()).put("uid", "uid-" + g.username().hashCode());
        user.putArray("groups").add("system:serviceaccounts").add("system:authenticated");
        ArrayNode aud = status.putArray("audiences");
        (both.isEmpty() ? g.audiences() : both).forEach(aud::add);
        return review.toString();
    }

    /** The reviews asked so far (their specs: token and audiences). */
    public List<JsonNode> reviews() {
        return List.copyOf(reviews);
    }

    /** Every HTTP request the server received. */
    public int requestCount() {
        return server.getRequestCount();
    }

    /** A kubeconfig for a client of this server. */
    public Path kubeconfig(Path file) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: http://localhost:%d
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: strait-ca
                current-context: fake
                users:
                - name: strait-ca
                  user:
                    token: the-ca-service-account-token
                """.formatted(server.getPort());
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Stops the server: its port refuses connections from now on. */
    @Override
    public void close() {
        server.destroy();
    }
}

package io.strait.cli.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.bus.kafka.BusConfig;
import io.strait.cli.config.ConfigOutput;
import io.strait.cli.config.KindNames;
import io.strait.cli.config.LiveConfig;
import io.strait.ingest.api.ApiSource;
import io.strait.ingest.source.RevisionPipeline;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Kind;
import io.strait.model.istio.ResourceKey;
import io.strait.model.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port's config endpoints, each authenticated with {@code Authorization: Bearer <admin secret>}
 * ({@link AdminSecret}; 401 without it):
 * <ul>
 * <li>{@code POST /apply}: a JSON list {@code [{"file": NAME, "text": YAML}, …]} (content type
 *     {@code application/json}), or one YAML text of any other content type, named by {@code ?file=NAME}. Its documents
 *     are upserted into the {@code api} source as one revision.</li>
 * <li>{@code POST /delete}: a JSON list {@code [{"kind": K, "namespace": NS, "name": N}, …]}, removed as one revision.</li>
 * <li>{@code GET /config?kind=K[&namespace=NS][&name=N]}: the live resources of that kind from every source, as
 *     {@code strait get -o json} prints them. Authenticated too: config can carry values (EnvoyFilter patches, Wasm
 *     plugin settings) that only the operator should read.</li>
 * </ul>
 * Apply and delete answer 200 with {@code {source, revision, accepted, resources, changed, findings}}, or 422 with the
 * findings when the revision is rejected (then nothing was published); 413 past {@link #MAX_BODY_BYTES}; 503 when this
 * node runs no ingest role, or the bus refused the write (nothing was published; retry).
 */
final class ConfigEndpoint {
    static final String APPLY = "/apply";
    static final String DELETE = "/delete";
    static final String CONFIG = "/config";
    /** As much as a folder source reads of one file: a bigger request is a mistake, not config. */
    static final long MAX_BODY_BYTES = 8L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigEndpoint.class);

    private final Vertx vertx;
    private final BusConfig bus;
    private final String secret;
    private final Supplier<ApiSource> api;
    private final RolloutEndpoint rollouts;

    /**
     * @param secret the admin secret; null refuses every request (a node that could not create one fails closed)
     * @param api    this node's api source, or a supplier of null when it runs no ingest role
     */
    ConfigEndpoint(Vertx vertx, BusConfig bus, String secret, Supplier<ApiSource> api) {
        this.vertx = vertx;
        this.bus = bus;
        this.secret = secret;
        this.api = api;
        this.rollouts = new RolloutEndpoint(vertx, bus, secret);
    }

    /** The rollout commands, authenticated with the same secret. */
    RolloutEndpoint rollouts() {
        return rollouts;
    }

    void handle(HttpServerRequest req) {
        boolean read = req.path().equals(CONFIG);
        if (req.method() != (read ? HttpMethod.GET : HttpMethod.POST)) {
            answer(req, 405, "text/plain", "use " + (read ? "GET " : "POST ") + req.path() + "\n");
            return;
        }
        if (!AdminSecret.authorizes(req.getHeader("authorization"), secret)) {
            answer(req, 401, "text/plain", "missing or wrong admin secret (Authorization: Bearer <contents of <data-dir>/admin-token>)\n");
            return;
        }
        if (read) {
            get(req);
            return;
        }
        ApiSource source = api.get();
        if (source == null) {
            answer(req, 503, "text/plain", "this node runs no ingest role; send " + req.path() + " to a node that does\n");
            return;
        }
        readBody(req, body -> vertx.executeBlocking(() -> req.path().equals(APPLY) ? source.apply(applied(req, body))
                        : source.delete(deleted(body)))
                .onSuccess(result -> answer(req, result.accepted() ? 200 : 422, "application/json", json(result)))
                .onFailure(e -> {
                    if (e instanceof IllegalArgumentException) {
                        answer(req, 400, "text/plain", e.getMessage() + "\n");
                    } else if (e instanceof RevisionPipeline.PublishFailedException) {
                        answer(req, 503, "text/plain", "the bus refused the revision; nothing was published, retry: " + e.getMessage() + "\n");
                    } else {
                        LOG.warn("{} failed", req.path(), e);
                        answer(req, 500, "text/plain", "failed: " + e + "\n");
                    }
                }));
    }

    private void get(HttpServerRequest req) {
        vertx.executeBlocking(() -> {
            String kind = req.getParam("kind");
            if (kind == null) {
                throw new IllegalArgumentException("kind is required: GET /config?kind=VirtualService[&namespace=NS][&name=N]");
            }
            Kind k = KindNames.parse(kind);
            return ConfigOutput.json(LiveConfig.read(bus, Duration.ofSeconds(10), k, req.getParam("namespace"), req.getParam("name")));
        }).onSuccess(body -> answer(req, 200, "application/json", body))
                .onFailure(e -> answer(req, e instanceof IllegalArgumentException ? 400 : 503, "text/plain", e.getMessage() + "\n"));
    }

    /** The files of an apply: the JSON list, or the body as one file. */
    static Map<String, String> applied(HttpServerRequest req, Buffer body) {
        String type = req.getHeader("content-type");
        String text = body.toString(StandardCharsets.UTF_8);
        Map<String, String> files = new LinkedHashMap<>();
        if (type != null && type.startsWith("application/json")) {
            for (JsonNode f : list(text, "[{\"file\": NAME, \"text\": YAML}, …]")) {
                String file = f.path("file").asText("");
                if (file.isBlank() || !f.path("text").isTextual()) {
                    throw new IllegalArgumentException("each entry needs a file name and a text: {\"file\": NAME, \"text\": YAML}");
                }
                if (files.put(file, f.get("text").asText()) != null) {
                    throw new IllegalArgumentException("file " + file + " is given twice; send each file once");
                }
            }
        } else {
            String file = req.getParam("file");
            files.put(file == null || file.isBlank() ? "request.yaml" : file, text);
        }
        return files;
    }

    /** The keys of a delete; kinds by any of the names {@link KindNames} takes. */
    static List<ResourceKey> deleted(Buffer body) {
        List<ResourceKey> keys = new ArrayList<>();
        for (JsonNode k : list(body.toString(StandardCharsets.UTF_8), "[{\"kind\": K, \"namespace\": NS, \"name\": N}, …]")) {
            Kind kind = KindNames.parse(k.path("kind").asText(""));
            String name = k.path("name").asText("");
            if (name.isBlank()) {
                throw new IllegalArgumentException("each entry needs a name: {\"kind\": K, \"namespace\": NS, \"name\": N}");
            }
            String ns = kind.isClusterScoped() ? "" : k.path("namespace").asText("").isBlank() ? "default" : k.get("namespace").asText();
            keys.add(new ResourceKey(kind.kindName(), ns, name));
        }
        return keys;
    }

    private static JsonNode list(String text, String shape) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON (" + e.getOriginalMessage() + "); send " + shape);
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("the body must be a JSON list: " + shape);
        }
        return node;
    }

    private static String json(RevisionPipeline.Submitted r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", ApiSource.NAME);
        out.put("revision", r.id());
        out.put("accepted", r.accepted());
        out.put("resources", r.resources());
        out.put("changed", r.changed());
        out.put("findings", r.findings().stream().filter(f -> f.level() != Finding.Level.INFO).toList());
        return new String(Json.write(out), StandardCharsets.UTF_8) + "\n";
    }

    /** Reads the body up to the cap; past it, answers 413 and drops the rest instead of buffering it. */
    private static void readBody(HttpServerRequest req, Consumer<Buffer> then) {
        String declared = req.getHeader("content-length");
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > MAX_BODY_BYTES) {
            tooLarge(req);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = new boolean[1];
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                over[0] = true;
                tooLarge(req);
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            if (!over[0]) {
                then.accept(body);
            }
        });
    }

    private static void tooLarge(HttpServerRequest req) {
        answer(req, 413, "text/plain", "request larger than " + MAX_BODY_BYTES / (1024 * 1024)
                + " MiB; apply the files in several requests\n");
    }

    private static void answer(HttpServerRequest req, int code, String type, String body) {
        if (!req.response().ended()) {
            req.response().setStatusCode(code).putHeader("content-type", type).end(body);
        }
    }
}

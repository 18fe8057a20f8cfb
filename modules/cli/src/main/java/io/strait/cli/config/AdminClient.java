package io.strait.cli.config;

import io.strait.cli.runtime.AdminSecret;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI's side of the admin port's authenticated endpoints: a loopback request carrying the node's admin secret,
 * read from its {@code <data-dir>/admin-token}. The secret goes in the header only; it is never printed.
 */
public final class AdminClient {
    private final int port;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** An answer of the node: its status code and body. */
    public record Answer(int code, String body) {
    }

    public AdminClient(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** POSTs {@code json} to {@code path}. */
    public Answer post(String path, String json) throws Exception {
        return send(request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** GETs {@code pathAndQuery}. */
    public Answer get(String pathAndQuery) throws Exception {
        return send(request(pathAndQuery).GET());
    }

    private HttpRequest.Builder request(String path) {
        // a publish can wait on a transaction and a read of the config topic: generous, but bounded
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + AdminSecret.read(dataDir));
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw new IllegalStateException("no Strait node answers on admin port " + port
                    + "; start one (./strait up) or pass --admin-port");
        }
    }
}

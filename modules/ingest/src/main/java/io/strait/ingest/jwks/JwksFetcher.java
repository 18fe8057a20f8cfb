package io.strait.ingest.jwks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One GET of a {@code jwksUri} over http or https (the JDK's trust store for https), bounded in time and size, and
 * accepted only when the body is a JSON object with a {@code keys} array — what istiod checks before it puts
 * fetched text into a proxy's config, so an arbitrary response from a mistyped or hostile URI is not published.
 */
public final class JwksFetcher {
    /** Larger than any real key set; a body past it is refused rather than read whole. */
    static final int MAX_BYTES = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;

    public JwksFetcher() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build());
    }

    JwksFetcher(HttpClient client) {
        this.client = client;
    }

    /**
     * The key set's text.
     *
     * @throws JwksFetchException with a message fit for a finding: the status, the timeout, the I/O error, the size
     *                            or what is wrong with the body
     */
    public String fetch(String uri, Duration timeout) throws JwksFetchException {
        HttpResponse<InputStream> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET()
                    .header("Accept", "application/json").build();
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new JwksFetchException("no answer within " + timeout.toMillis() + " ms");
        } catch (IOException | IllegalArgumentException e) {
            throw new JwksFetchException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksFetchException("interrupted");
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new JwksFetchException("reading the body: " + e.getMessage());
        }
        if (response.statusCode() != 200) {
            throw new JwksFetchException("HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new JwksFetchException("body larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode doc;
        try {
            doc = JSON.readTree(text);
        } catch (IOException e) {
            throw new JwksFetchException("not valid JSON");
        }
        if (doc == null || !doc.isObject() || !doc.path("keys").isArray()) {
            throw new JwksFetchException("not a JWK set: a JSON object with a \"keys\" array is expected");
        }
        return text;
    }

    /** Why a fetch gave no keys. */
    public static final class JwksFetchException extends Exception {
        JwksFetchException(String message) {
            super(message, null, false, false);
        }
    }
}

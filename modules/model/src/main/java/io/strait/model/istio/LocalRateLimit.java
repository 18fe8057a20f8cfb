package io.strait.model.istio;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strait's annotation for Envoy's local rate limit, where Istio users write an EnvoyFilter:
 * {@code ratelimit.strait.io/local: "<requests>/<s|m|h>"} on a VirtualService limits each of its HTTP routes, on each
 * Envoy proxy that serves it, to that many requests per second, minute or hour (a token bucket refilled whole each
 * period); requests over it get 429. At a gateway that is what the gateway lets in; on sidecars, each caller's own
 * budget. Proxyless gRPC clients have no local rate limit.
 *
 * @param requests tokens per period (also the burst)
 * @param seconds  the period
 */
public record LocalRateLimit(long requests, long seconds) {
    public static final String ANNOTATION = "ratelimit.strait.io/local";
    private static final Pattern FORM = Pattern.compile("^\\s*(\\d{1,12})\\s*/\\s*(s|m|h)\\s*$");

    /** The limit an annotation value states; empty when it is not in the form {@code <requests>/<s|m|h>}. */
    public static Optional<LocalRateLimit> parse(String value) {
        Matcher m = value == null ? null : FORM.matcher(value);
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) == 0) {
            return Optional.empty();
        }
        long seconds = switch (m.group(2)) {
            case "s" -> 1;
            case "m" -> 60;
            default -> 3600;
        };
        return Optional.of(new LocalRateLimit(Long.parseLong(m.group(1)), seconds));
    }

    /** The limit a resource's annotation sets, if any (and if well formed; ingest rejects malformed ones). */
    public static Optional<LocalRateLimit> of(IstioResource resource) {
        return parse(resource.metadata().annotations().get(ANNOTATION));
    }
}

package io.strait.ingest.validate;

import static io.strait.ingest.validate.Report.q;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Istio's rules of one VirtualService HTTP route ({@code validateHTTPRoute}) that {@link VirtualServiceValidator}
 * does not already state: what a redirect or direct response excludes, match header names and empty matches,
 * CORS, fault injection, mirrors, redirect targets, retries, the authority rewrite, timeouts and destinations.
 */
final class HttpRouteRules {
    /** RFC 7230 token characters: Istio's validHeaderNameRegex. */
    static final Pattern HEADER_NAME = Pattern.compile("^[!#$%&'*+\\-.^_`|~A-Za-z0-9]+$");
    private static final Set<String> PSEUDO_HEADERS = Set.of(":method", ":scheme", ":authority", ":path", ":status");
    private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "*");
    private static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
            "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
            "envoy-ratelimited", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
            "resource-exhausted", "unavailable");
    /** The status codes Go's net/http names: a retryOn entry may be one of them. */
    private static final Set<Integer> HTTP_STATUSES = Set.of(100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207,
            208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411,
            412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504,
            505, 506, 507, 508, 510, 511);
    private static final int KB = 1024;
    private static final int MB = 1024 * KB;

    private HttpRouteRules() {
    }

    static void route(Report report, String path, JsonNode http, boolean delegate) {
        if (http == null || !http.isObject()) {
            return;
        }
        conflicts(report, path, http, delegate);
        JsonNode matches = http.path("match");
        for (int i = 0; i < matches.size(); i++) {
            MatchRules.match(report, path + ".match[" + i + "]", matches.get(i));
        }
        cors(report, path + ".corsPolicy", http.get("corsPolicy"));
        fault(report, path + ".fault", http.get("fault"));
        JsonNode mirrorPercent = http.get("mirrorPercent");
        if (mirrorPercent != null && !mirrorPercent.isNull()) {
            if (mirrorPercent.asLong() > 100) {
                report.error(path + ".mirrorPercent", "mirror_percent must have a max value of 100 (it has " + mirrorPercent.asLong() + ")");
            }
            report.warning(path + ".mirrorPercent", "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
        }
        // mirrorPercentage and mirrors[].percentage in [0, 100]: the schema's Percent
        DestinationForms.destination(report, path + ".mirror", http.get("mirror"));
        JsonNode mirrors = http.path("mirrors");
        for (int i = 0; i < mirrors.size(); i++) {
            DestinationForms.destination(report, path + ".mirrors[" + i + "].destination", mirrors.path(i).get("destination"));
        }
        redirect(report, path + ".redirect", http.get("redirect"));
        directResponse(report, path + ".directResponse", http.get("directResponse"));
        retries(report, path + ".retries", http.get("retries"));
        authorityRewrite(report, path, http);
        JsonNode regex = http.path("rewrite").path("uriRegexRewrite").get("match");
        if (regex != null && regex.isTextual()) {
            MatchRules.regexLength(report, path + ".rewrite.uriRegexRewrite.match", "HTTPRewrite.UriRegexRewrite.Match", regex.asText());
        }
        JsonNode route = http.path("route");
        for (int i = 0; i < route.size(); i++) {
            DestinationForms.destination(report, path + ".route[" + i + "].destination", route.path(i).get("destination"));
        }
        FieldForms.duration(report, path + ".timeout", http.get("timeout"));
    }

    /** validateHTTPRouteConflict, where VirtualServiceValidator.nonForwarding does not already say it. */
    private static void conflicts(Report report, String path, JsonNode http, boolean delegate) {
        if (!delegate && http.has("delegate")) {
            return; // a root route that also routes or redirects: VirtualServiceValidator.nonForwarding
        }
        String answer = http.has("redirect") ? "redirect" : http.has("directResponse") ? "direct_response" : null;
        if (answer != null) {
            if (http.has("fault")) {
                report.error(path + ".fault", "HTTP route cannot contain both fault and " + answer);
            }
            if (http.has("rewrite")) {
                report.error(path + ".rewrite", "HTTP route rule cannot contain both rewrite and " + answer);
            }
        }
        if (http.has("mirror") && !http.path("mirrors").isEmpty()) {
            report.error(path + ".mirrors", "HTTP route cannot contain both mirror and mirrors");
        }
    }

    /** validateCORSPolicy: origins set, known methods, header names, maxAge to whole seconds. */
    private static void cors(Report report, String path, JsonNode cors) {
        if (cors == null || !cors.isObject()) {
            return;
        }
        JsonNode origins = cors.path("allowOrigins");
        for (int i = 0; i < origins.size(); i++) {
            JsonNode o = origins.path(i);
            String match = !FieldForms.text(o, "exact").isEmpty() ? o.get("exact").asText()
                    : !FieldForms.text(o, "prefix").isEmpty() ? o.get("prefix").asText() : FieldForms.text(o, "regex");
            if (match.isEmpty()) {
                report.error(path + ".allowOrigins[" + i + "]", "'' is not a valid match type for CORS allow origins");
            } else if (o.has("regex")) {
                MatchRules.regexLength(report, path + ".allowOrigins[" + i + "].regex", "corsPolicy.allowOrigins", match);
            }
        }
        JsonNode methods = cors.path("allowMethods");
        for (int i = 0; i < methods.size(); i++) {
            if (!CORS_METHODS.contains(methods.path(i).asText())) {
                report.error(path + ".allowMethods[" + i + "]", q(methods.path(i).asText()) + " is not a supported HTTP method");
            }
        }
        for (String field : new String[] {"allowHeaders", "exposeHeaders"}) {
            JsonNode names = cors.path(field);
            for (int i = 0; i < names.size(); i++) {
                String name = names.path(i).asText();
                String p = path + "." + field + "[" + i + "]";
                if (name.isEmpty()) {
                    report.error(p, "header name cannot be empty");
                } else if (!name.equals("*") && !HEADER_NAME.matcher(name).matches()) {
                    report.error(p, "header name " + name + " is not a valid header name");
                }
            }
        }
        JsonNode maxAge = cors.get("maxAge");
        FieldForms.duration(report, path + ".maxAge", maxAge);
        BigDecimal n = maxAge != null && maxAge.isTextual() ? FieldForms.nanos(maxAge.asText()) : null;
        if (n != null && n.remainder(BigDecimal.valueOf(1_000_000_000L)).signum() != 0) {
            report.error(path + ".maxAge", "max_age duration is accurate only to seconds precision");
        }
    }

    /** validateHTTPFaultInjection. */
    private static void fault(Report report, String path, JsonNode fault) {
        if (fault == null || !fault.isObject()) {
            return;
        }
        if (!fault.has("abort") && !fault.has("delay")) {
            report.error(path, "HTTP fault injection must have an abort and/or a delay");
        }
        JsonNode abort = fault.get("abort");
        if (abort != null && abort.isObject()) {
            FieldForms.percentage(report, path + ".abort.percentage", abort.get("percentage"));
            if (abort.has("http2Error")) {
                report.error(path + ".abort.http2Error", "HTTP/2 abort fault injection not supported yet");
            }
            // httpStatus range, grpcStatus names and a missing error type: VirtualServiceValidator.route
        }
        JsonNode delay = fault.get("delay");
        if (delay != null && delay.isObject()) {
            FieldForms.percentage(report, path + ".delay.percentage", delay.get("percentage"));
            FieldForms.duration(report, path + ".delay.fixedDelay", delay.get("fixedDelay"));
            if (delay.has("exponentialDelay")) {
                FieldForms.duration(report, path + ".delay.exponentialDelay", delay.get("exponentialDelay"));
                report.error(path + ".delay.exponentialDelay", "exponentialDelay not supported yet");
            }
        }
    }

    /** validateHTTPRedirect: a target to redirect to, an http(s) scheme, a port in range. */
    private static void redirect(Report report, String path, JsonNode redirect) {
        if (redirect == null || !redirect.isObject()) {
            return;
        }
        if (FieldForms.text(redirect, "uri").isEmpty() && FieldForms.text(redirect, "authority").isEmpty()
                && !redirect.has("port") && !redirect.has("derivePort") && FieldForms.text(redirect, "scheme").isEmpty()) {
            report.error(path, "redirect must specify URI, authority, scheme, or port");
            return;
        }
        String scheme = FieldForms.text(redirect, "scheme");
        if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
            report.error(path + ".scheme", "invalid redirect scheme, must be \"http\" or \"https\"");
        }
        long port = redirect.path("port").asLong(0);
        if (port > 0) {
            report.errorIf(path + ".port", FieldForms.port(port));
        }
    }

    /** validateHTTPDirectResponse: bodies under 1 MB, a warning over 100 KB. */
    private static void directResponse(Report report, String path, JsonNode direct) {
        if (direct == null || !direct.isObject()) {
            return;
        }
        JsonNode body = direct.path("body");
        int size = body.has("string") ? FieldForms.text(body, "string").getBytes(StandardCharsets.UTF_8).length
                : decodedLength(FieldForms.text(body, "bytes"));
        if (size > MB) {
            report.error(path + ".body", "large direct_responses may impact control plane performance, must be less than 1MB");
        } else if (size > 100 * KB) {
            report.warning(path + ".body", "large direct_responses may impact control plane performance");
        }
    }

    private static int decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return 0; // VirtualServiceValidator reports bytes that are not base64
        }
    }

    /** agent.ValidateHTTPRetry. */
    static void retries(Report report, String path, JsonNode retries) {
        if (retries == null || !retries.isObject()) {
            return;
        }
        // negative attempts: the schema's minimum
        if (retries.path("attempts").asLong(0) == 0
                && (retries.has("perTryTimeout") || !FieldForms.text(retries, "retryOn").isEmpty() || retries.has("retryRemoteLocalities"))) {
            report.error(path + ".attempts", "http retry policy configured when attempts are set to 0 (disabled)");
        }
        FieldForms.duration(report, path + ".perTryTimeout", retries.get("perTryTimeout"));
        String retryOn = FieldForms.text(retries, "retryOn");
        if (!retryOn.isEmpty()) {
            for (String policy : retryOn.split(",", -1)) {
                if (!RETRY_ON.contains(policy) && !isHttpStatus(policy)) {
                    report.error(path + ".retryOn", q(policy) + " is not a valid retryOn policy");
                }
            }
        }
        FieldForms.duration(report, path + ".backoff", retries.get("backoff"));
    }

    private static boolean isHttpStatus(String s) {
        try {
            return HTTP_STATUSES.contains(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** validateAuthorityRewrite: the authority is rewritten in one place only. */
    private static void authorityRewrite(Report report, String path, JsonNode http) {
        String current = FieldForms.text(http.path("rewrite"), "authority");
        JsonNode request = http.path("headers").path("request");
        for (String op : new String[] {"set", "add"}) {
            for (Iterator<Map.Entry<String, JsonNode>> it = request.path(op).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equalsIgnoreCase(":authority") && !e.getKey().equalsIgnoreCase("host")) {
                    continue;
                }
                if (!current.isEmpty()) {
                    report.error(path + ".headers.request." + op + "." + e.getKey(), "authority header cannot be set multiple times: have "
                            + q(current) + ", attempting to set " + q(e.getValue().asText()));
                    return;
                }
                current = e.getValue().asText();
            }
        }
    }

    /** ValidateHTTPHeaderNameOrJwtClaimRoute. */
    static String headerNameOrClaim(String name) {
        if (name.isEmpty()) {
            return "header name cannot be empty";
        }
        if (MatchRules.isJwtClaim(name) || PSEUDO_HEADERS.contains(name)) {
            return null;
        }
        return HEADER_NAME.matcher(name).matches() ? null : "header name " + name + " is not a valid header name";
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.istio.StringMatch;
import io.strait.model.istio.VirtualService.HttpMatchRequest;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.istio.VirtualService.HttpRouteDestination;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** VirtualService fields: hosts, HTTP matches, destinations and their weights, header operations; Istio's further rules in {@link VirtualServiceRules}. */
public final class VirtualServiceValidator implements ResourceValidator {

    @Override
    public void validate(LoadedResource r, Findings f) {
        VirtualService vs = (VirtualService) r.resource().spec();
        String limit = r.resource().metadata().annotations().get(io.strait.model.istio.LocalRateLimit.ANNOTATION);
        if (limit != null) {
            String path = "metadata.annotations." + io.strait.model.istio.LocalRateLimit.ANNOTATION;
            if (io.strait.model.istio.LocalRateLimit.parse(limit).isEmpty()) {
                f.error(r, Findings.SCHEMA, path, "\"" + limit + "\" is not a rate: write <requests>/<s|m|h>, e.g. 100/s");
            } else {
                f.warning(r, "STR0006", path, "proxyless gRPC clients have no local rate limit; Envoy proxies apply it");
            }
        }
        if (vs.hosts().isEmpty()) {
            // without hosts it is a delegate, which a root VirtualService's route hands requests to
            if (!vs.gateways().isEmpty()) {
                f.error(r, Findings.SCHEMA, "spec.gateways", "a delegate VirtualService (one without hosts) takes its "
                        + "gateways from the VirtualService that delegates to it: remove gateways, or add hosts");
            }
            for (int i = 0; i < vs.http().size(); i++) {
                if (vs.http().get(i) != null && vs.http().get(i).delegate() != null) {
                    f.error(r, Findings.SCHEMA, "spec.http[" + i + "].delegate", "a delegate VirtualService cannot "
                            + "delegate again: only one level of delegation is supported");
                }
            }
        }
        for (int i = 0; i < vs.hosts().size(); i++) {
            String h = vs.hosts().get(i);
            if (h == null || h.isBlank()) {
                f.error(r, Findings.SCHEMA, "spec.hosts[" + i + "]", "host must not be empty");
            }
        }
        var tree = PolicyRules.spec(r);
        if (vs.http().isEmpty() && tree.path("tls").isEmpty() && tree.path("tcp").isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec", "http, tcp or tls must be provided in virtual service");
        }
        for (int i = 0; i < vs.http().size(); i++) {
            var http = tree.path("http").path(i);
            boolean redirectsOrDelegates = http.has("redirect") || http.has("directResponse") || http.has("delegate");
            route(r, f, "spec.http[" + i + "]", vs.http().get(i), redirectsOrDelegates);
        }
        for (int i = 0; i < vs.tcp().size(); i++) {
            l4Destinations(r, f, "spec.tcp[" + i + "].route", vs.tcp().get(i) == null ? List.of() : vs.tcp().get(i).route());
        }
        for (int i = 0; i < vs.tls().size(); i++) {
            l4Destinations(r, f, "spec.tls[" + i + "].route", vs.tls().get(i) == null ? List.of() : vs.tls().get(i).route());
        }
        VirtualServiceRules.check(new Report(r, f), tree);
    }

    private void route(LoadedResource r, Findings f, String path, HttpRoute route, boolean redirectsOrDelegates) {
        if (route == null) {
            f.error(r, Findings.SCHEMA, path, "route must not be empty");
            return;
        }
        if (route.fault() != null && route.fault().abort() != null) {
            var abort = route.fault().abort();
            if (abort.httpStatus() == null && abort.grpcStatus() == null) {
                f.error(r, Findings.SCHEMA, path + ".fault.abort", "an abort needs httpStatus or grpcStatus");
            } else if (abort.grpcStatus() != null && io.strait.model.istio.GrpcStatus.code(abort.grpcStatus()) < 0) {
                f.error(r, Findings.SCHEMA, path + ".fault.abort.grpcStatus", "unknown gRPC status \"" + abort.grpcStatus()
                        + "\"; use a name such as UNAVAILABLE or DEADLINE_EXCEEDED");
            }
            if (abort.httpStatus() != null && (abort.httpStatus() < 200 || abort.httpStatus() > 599)) {
                f.error(r, Findings.SCHEMA, path + ".fault.abort.httpStatus", "httpStatus must be between 200 and 599");
            }
        }
        for (int j = 0; j < route.match().size(); j++) {
            match(r, f, path + ".match[" + j + "]", route.match().get(j));
        }
        HeaderOperationRules.check(r, f, path + ".headers", route.headers());
        nonForwarding(r, f, path, route);
        rewrite(r, f, path + ".rewrite", route.rewrite());
        cors(r, f, path + ".corsPolicy", route.corsPolicy());
        if (route.route().isEmpty()) {
            if (!redirectsOrDelegates) {
                f.error(r, Findings.SCHEMA, path + ".route", "at least one destination is required (or a redirect, directResponse or delegate)");
            }
            return;
        }
        int sum = 0;
        boolean single = route.route().size() == 1;
        for (int k = 0; k < route.route().size(); k++) {
            String p = path + ".route[" + k + "]";
            HttpRouteDestination d = route.route().get(k);
            if (d == null || d.destination() == null) {
                f.error(r, Findings.SCHEMA, p + ".destination", "destination is required");
                continue;
            }
            HeaderOperationRules.check(r, f, p + ".headers", d.headers());
            if (d.destination().host() == null || d.destination().host().isBlank()) {
                f.error(r, Findings.SCHEMA, p + ".destination.host", "destination host is required");
            }
            if (d.weight() != null && (d.weight() < 0 || d.weight() > 100)) {
                f.error(r, Findings.SCHEMA, p + ".weight", "weight " + d.weight() + " must be between 0 and 100");
            }
            sum += d.weight() == null ? (single ? 100 : 0) : d.weight();
        }
        if (sum != 100) {
            f.error(r, Findings.SCHEMA, path + ".route", "weights must sum to 100, but they sum to " + sum);
        }
    }

    /** TCP and TLS destinations: at least one, each with a host, weights summing to 100. */
    private void l4Destinations(LoadedResource r, Findings f, String path, List<VirtualService.RouteDestination> route) {
        if (route.isEmpty()) {
            f.error(r, Findings.SCHEMA, path, "at least one destination is required");
            return;
        }
        int sum = 0;
        for (int k = 0; k < route.size(); k++) {
            VirtualService.RouteDestination d = route.get(k);
            if (d == null || d.destination() == null || d.destination().host() == null || d.destination().host().isBlank()) {
                f.error(r, Findings.SCHEMA, path + "[" + k + "].destination.host", "destination host is required");
                continue;
            }
            if (d.weight() != null && (d.weight() < 0 || d.weight() > 100)) {
                f.error(r, Findings.SCHEMA, path + "[" + k + "].weight", "weight " + d.weight() + " must be between 0 and 100");
            }
            sum += d.weight() == null ? (route.size() == 1 ? 100 : 0) : d.weight();
        }
        if (sum != 100) {
            f.error(r, Findings.SCHEMA, path, "weights must sum to 100, but they sum to " + sum);
        }
    }

    /** Origins are string matches like any other; gRPC clients are not browsers, so only Envoy proxies apply CORS. */
    private void cors(LoadedResource r, Findings f, String path, VirtualService.CorsPolicy cors) {
        if (cors == null) {
            return;
        }
        for (int i = 0; i < cors.allowOrigins().size(); i++) {
            Checks.stringMatch(r, f, path + ".allowOrigins[" + i + "]", cors.allowOrigins().get(i));
        }
        f.warning(r, "STR0006", path, "proxyless gRPC clients do not apply CORS (they are not browsers); Envoy proxies do");
    }

    private void nonForwarding(LoadedResource r, Findings f, String path, HttpRoute route) {
        if (route.redirect() != null && route.directResponse() != null) {
            f.error(r, Findings.SCHEMA, path, "a route may set redirect or directResponse, not both");
        }
        if (route.delegate() != null && (!route.route().isEmpty() || route.redirect() != null || route.directResponse() != null)) {
            f.error(r, Findings.SCHEMA, path + ".delegate", "a route that delegates cannot also route, redirect or "
                    + "answer directly: the delegate VirtualService does that");
        }
        if (route.delegate() != null && route.delegate().name() == null) {
            f.error(r, Findings.SCHEMA, path + ".delegate.name", "delegate needs the name of a VirtualService");
        }
        if ((route.redirect() != null || route.directResponse() != null) && !route.route().isEmpty()) {
            f.error(r, Findings.SCHEMA, path + ".route", "a route that answers with a redirect or directResponse cannot also forward: remove route");
        }
        if (route.redirect() != null || route.directResponse() != null) {
            f.warning(r, "STR0006", path + (route.redirect() != null ? ".redirect" : ".directResponse"),
                    "proxyless gRPC clients cannot answer with a redirect or direct response: they do without this route,"
                    + " so their calls it matches go on to the next route; Envoy proxies apply it");
        }
        var redirect = route.redirect();
        if (redirect != null) {
            if (redirect.redirectCode() != null && !java.util.Set.of(301, 302, 303, 307, 308).contains(redirect.redirectCode())) {
                f.error(r, Findings.SCHEMA, path + ".redirect.redirectCode", "redirect code " + redirect.redirectCode()
                        + " is not one of 301, 302, 303, 307, 308");
            }
        }
        var direct = route.directResponse();
        if (direct != null) {
            if (direct.status() != null && (direct.status() < 200 || direct.status() > 599)) {
                f.error(r, Findings.SCHEMA, path + ".directResponse.status", "directResponse status must be between 200 and 599");
            }
            var body = direct.body();
            if (body != null && body.string() != null && body.bytes() != null) {
                f.error(r, Findings.SCHEMA, path + ".directResponse.body", "set body.string or body.bytes, not both");
            }
            if (body != null && body.bytes() != null) {
                try {
                    java.util.Base64.getDecoder().decode(body.bytes());
                } catch (IllegalArgumentException e) {
                    f.error(r, Findings.SCHEMA, path + ".directResponse.body.bytes", "body.bytes must be base64: " + e.getMessage());
                }
            }
        }
    }

    private void rewrite(LoadedResource r, Findings f, String path, VirtualService.HttpRewrite rw) {
        if (rw == null) {
            return;
        }
        boolean uri = rw.uri() != null && !rw.uri().isEmpty();
        boolean regex = rw.uriRegexRewrite() != null;
        boolean authority = rw.authority() != null && !rw.authority().isEmpty();
        if (!uri && !regex && !authority) {
            f.error(r, Findings.SCHEMA, path, "rewrite must specify uri, authority or uriRegexRewrite");
        }
        if (uri && regex) {
            f.error(r, Findings.SCHEMA, path, "rewrite may set uri or uriRegexRewrite, not both");
        }
        if (regex) {
            String match = rw.uriRegexRewrite().match();
            if (match == null || match.isEmpty()) {
                f.error(r, Findings.SCHEMA, path + ".uriRegexRewrite.match", "uriRegexRewrite needs a match expression");
            } else {
                Checks.regex(r, f, path + ".uriRegexRewrite.match", match);
            }
            if (rw.uriRegexRewrite().rewrite() == null) {
                f.error(r, Findings.SCHEMA, path + ".uriRegexRewrite.rewrite", "uriRegexRewrite needs a rewrite (it may be empty)");
            }
        }
    }

    private void match(LoadedResource r, Findings f, String path, HttpMatchRequest m) {
        if (m == null) {
            return; // an empty match matches everything, as in Istio
        }
        Map<String, StringMatch> single = new java.util.LinkedHashMap<>();
        single.put("uri", m.uri());
        single.put("scheme", m.scheme());
        single.put("method", m.method());
        single.put("authority", m.authority());
        single.forEach((field, sm) -> {
            if (sm != null) {
                Checks.stringMatch(r, f, path + "." + field, sm);
            }
        });
        headers(r, f, path + ".headers", m.headers());
        headers(r, f, path + ".withoutHeaders", m.withoutHeaders());
        m.queryParams().forEach((name, sm) -> {
            // an empty match asks only that the parameter is present
            if (sm == null || sm.alternativesSet() > 0) {
                Checks.stringMatch(r, f, path + ".queryParams." + name, sm);
            }
        });
    }

    /** Header conditions: lowercase names; an empty match ({@code {}}) tests presence, as Istio documents. */
    private void headers(LoadedResource r, Findings f, String path, Map<String, StringMatch> headers) {
        for (Map.Entry<String, StringMatch> e : headers.entrySet()) {
            String name = e.getKey();
            String p = path + "." + name;
            if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                f.error(r, Findings.SCHEMA, p, "header names must be lowercase (HTTP/2 and gRPC send them so)");
            }
            if (e.getValue() == null || e.getValue().alternativesSet() > 0) {
                Checks.stringMatch(r, f, p, e.getValue());
            }
        }
    }
}

package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/VirtualService}: HTTP routing for a set of hosts. The record carries the fields the
 * translator reads; the schema validates all the others, and ingest warns that they have no effect yet.
 */
public record VirtualService(List<String> hosts, List<HttpRoute> http) implements Spec {
    public VirtualService {
        hosts = Lists.copy(hosts);
        http = Lists.copy(http);
    }

    /** One HTTP route: any of its matches selects it; its destinations split traffic by weight. */
    public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route) {
        public HttpRoute {
            match = Lists.copy(match);
            route = Lists.copy(route);
        }
    }

    /** Conditions that must all hold for a request to match. */
    public record HttpMatchRequest(String name, StringMatch uri, Map<String, StringMatch> headers) {
        public HttpMatchRequest {
            headers = Lists.copy(headers);
        }
    }

    /** A destination and its share of traffic (percent; omitted means 100 for a single destination). */
    public record HttpRouteDestination(Destination destination, Integer weight) {
    }

    /** A service host, optionally a subset of it and a port. */
    public record Destination(String host, String subset, PortSelector port) {
    }

    /** Selects a port of the destination service by number. */
    public record PortSelector(Integer number) {
    }
}

package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.strait.model.istio.VirtualService.HeaderOperations;
import io.strait.model.istio.VirtualService.Headers;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.istio.VirtualService.HttpRouteDestination;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code headers} of an HTTP route and of its destinations: {@code set} overwrites (or adds), {@code add} appends,
 * {@code remove} removes — on the request before it is forwarded, on the response before it is returned.
 * Envoy refuses header operations on {@code host} / {@code :authority}, so setting either one becomes a host
 * rewrite, which is what a user setting it means. A route with a single destination has no per-cluster entry to
 * carry that destination's operations, so they are added to the route after its own. Proxyless gRPC ignores
 * header operations (gRPC's xDS support has none); Envoy sidecars and gateways apply them.
 */
final class HeaderRewrites implements RouteFeature {

    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        if (!envoy.hasRoute()) {
            return;
        }
        Target route = new Target(envoy::addRequestHeadersToAdd, envoy::addRequestHeadersToRemove,
                envoy::addResponseHeadersToAdd, envoy::addResponseHeadersToRemove,
                host -> envoy.getRouteBuilder().setHostRewriteLiteral(host));
        apply(istio.headers(), route);
        if (envoy.getRoute().hasCluster()) {
            istio.route().stream().filter(d -> d.weight() == null || d.weight() > 0).findFirst()
                    .ifPresent(d -> apply(d.headers(), route));
        }
    }

    /** The operations of one destination of a weighted split, on its cluster entry. */
    static void apply(HttpRouteDestination destination, WeightedCluster.ClusterWeight.Builder cluster) {
        apply(destination.headers(), new Target(cluster::addRequestHeadersToAdd, cluster::addRequestHeadersToRemove,
                cluster::addResponseHeadersToAdd, cluster::addResponseHeadersToRemove, cluster::setHostRewriteLiteral));
    }

    private static void apply(Headers headers, Target target) {
        if (headers == null) {
            return;
        }
        HeaderOperations request = headers.request();
        if (request != null) {
            request.set().forEach((name, value) -> {
                if (Headers.isAuthority(name)) {
                    target.hostRewrite.accept(value);
                } else {
                    target.requestAdd.accept(option(name, value, HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
                }
            });
            add(request.add(), target.requestAdd);
            request.remove().forEach(target.requestRemove);
        }
        HeaderOperations response = headers.response();
        if (response != null) {
            response.set().forEach((name, value) ->
                    target.responseAdd.accept(option(name, value, HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
            add(response.add(), target.responseAdd);
            response.remove().forEach(target.responseRemove);
        }
    }

    private static void add(Map<String, String> headers, Consumer<HeaderValueOption> sink) {
        headers.forEach((name, value) -> sink.accept(option(name, value, HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)));
    }

    private static HeaderValueOption option(String name, String value, HeaderAppendAction action) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name.toLowerCase(Locale.ROOT)).setValue(value == null ? "" : value))
                .setAppendAction(action).build();
    }

    /** Where the operations of one level (route or weighted cluster) go. */
    private record Target(Consumer<HeaderValueOption> requestAdd, Consumer<String> requestRemove,
                          Consumer<HeaderValueOption> responseAdd, Consumer<String> responseRemove,
                          Consumer<String> hostRewrite) {
    }
}

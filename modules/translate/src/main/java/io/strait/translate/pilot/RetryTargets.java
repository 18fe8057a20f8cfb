package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * Where an Envoy proxy's retry goes, as Istio sets it: up to five picks of a host per retry, each to another
 * endpoint than the ones that just failed — unless a VirtualService route hashes its requests to one cluster
 * (consistent hash): then a retry stays on the endpoint the hash chose, so a session is not moved by one failed try
 * (a service's default route keeps the predicate, as Istio's: {@link #withPreviousHosts}). With
 * {@code retryRemoteLocalities} a retry goes to the next locality priority too. Envoy only: gRPC loads none of
 * these extensions (and has no host selection retries).
 */
final class RetryTargets implements RouteFeature {
    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        if (!envoy.hasRoute() || !envoy.getRoute().hasRetryPolicy()) {
            return;
        }
        RetryPolicy.Builder policy = envoy.getRouteBuilder().getRetryPolicyBuilder().setHostSelectionRetryMaxAttempts(5);
        if (!hashesToOneCluster(envoy.getRoute())) {
            policy.addRetryHostPredicate(previousHosts());
        }
        if (Boolean.TRUE.equals(Retries.policyOf(istio, ctx).retryRemoteLocalities())) {
            policy.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
                    .setName("envoy.retry_priorities.previous_priorities")
                    .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
        }
    }

    /**
     * A service's default route as Istio builds it: the mesh's retry policy is converted without regard to the
     * service's hash ({@code BuildDefaultHTTPOutboundRoute} adds the hash policy afterwards), so there a retry moves
     * to another endpoint even under a consistent hash — only VirtualService routes keep a retry on the hashed one.
     */
    static Route withPreviousHosts(Route route) {
        if (!route.hasRoute() || !route.getRoute().hasRetryPolicy()
                || route.getRoute().getRetryPolicy().getRetryHostPredicateCount() > 0) {
            return route;
        }
        Route.Builder b = route.toBuilder();
        b.getRouteBuilder().getRetryPolicyBuilder().addRetryHostPredicate(previousHosts());
        return b.build();
    }

    private static RetryPolicy.RetryHostPredicate previousHosts() {
        return RetryPolicy.RetryHostPredicate.newBuilder().setName("envoy.retry_host_predicates.previous_hosts")
                .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())).build();
    }

    /**
     * Istio drops the previous-hosts predicate where a route's single destination has a consistent hash; a route
     * split over weighted clusters keeps it even when it hashes.
     */
    private static boolean hashesToOneCluster(RouteAction action) {
        return action.getHashPolicyCount() > 0 && action.hasCluster();
    }
}

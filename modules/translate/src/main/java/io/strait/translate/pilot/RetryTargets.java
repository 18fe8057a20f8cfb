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
 * endpoint than the ones that just failed — unless the route hashes its requests to one cluster (consistent hash):
 * then a retry stays on the endpoint the hash chose, so a session is not moved by one failed try. With
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
            policy.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName("envoy.retry_host_predicates.previous_hosts")
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())));
        }
        if (Boolean.TRUE.equals(Retries.policyOf(istio, ctx).retryRemoteLocalities())) {
            policy.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
                    .setName("envoy.retry_priorities.previous_priorities")
                    .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
        }
    }

    /**
     * Istio drops the previous-hosts predicate where a route's single destination has a consistent hash; a route
     * split over weighted clusters keeps it even when it hashes.
     */
    private static boolean hashesToOneCluster(RouteAction action) {
        return action.getHashPolicyCount() > 0 && action.hasCluster();
    }
}

package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * Where an Envoy proxy's retry goes, as Istio sets it: to another endpoint than the ones that just failed (up to
 * five picks), and with {@code retryRemoteLocalities} to the next locality priority too. Envoy only: these are
 * extensions gRPC does not load.
 */
final class RetryTargets implements RouteFeature {
    @Override
    public void apply(HttpRoute istio, Route.Builder envoy) {
        if (!envoy.hasRoute() || !envoy.getRoute().hasRetryPolicy()) {
            return;
        }
        RetryPolicy.Builder policy = envoy.getRouteBuilder().getRetryPolicyBuilder()
                .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                        .setName("envoy.retry_host_predicates.previous_hosts")
                        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                .setHostSelectionRetryMaxAttempts(5);
        if (istio.retries() != null && Boolean.TRUE.equals(istio.retries().retryRemoteLocalities())) {
            policy.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
                    .setName("envoy.retry_priorities.previous_priorities")
                    .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
        }
    }
}

package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.strait.model.istio.IstioResource;
import java.util.Optional;

/**
 * The local rate limit of a VirtualService's routes ({@link io.strait.model.istio.LocalRateLimit}, an annotation):
 * the filter's per-route token bucket. The filter sits in Envoy chains without a bucket of its own, so routes
 * without the annotation are not limited.
 */
final class LocalRateLimits {
    static final String FILTER = "envoy.filters.http.local_ratelimit";
    private static final String STAT_PREFIX = "http_local_rate_limiter";

    private LocalRateLimits() {
    }

    /** The filter as it sits in a chain: no bucket, so it limits only routes that carry one. */
    static LocalRateLimit inChain() {
        return LocalRateLimit.newBuilder().setStatPrefix(STAT_PREFIX).build();
    }

    /** The per-route config for the routes of {@code vs}, if it is annotated. */
    static Optional<Any> perRoute(IstioResource vs) {
        return io.strait.model.istio.LocalRateLimit.of(vs).map(limit -> Any.pack(LocalRateLimit.newBuilder()
                .setStatPrefix(STAT_PREFIX)
                .setTokenBucket(TokenBucket.newBuilder().setMaxTokens((int) Math.min(limit.requests(), Integer.MAX_VALUE))
                        .setTokensPerFill(com.google.protobuf.UInt32Value.of((int) Math.min(limit.requests(), Integer.MAX_VALUE)))
                        .setFillInterval(Duration.newBuilder().setSeconds(limit.seconds())))
                // enabled and enforced for every request: Envoy's defaults are 0%
                .setFilterEnabled(all("local_rate_limit_enabled"))
                .setFilterEnforced(all("local_rate_limit_enforced"))
                .build()));
    }

    private static RuntimeFractionalPercent all(String key) {
        return RuntimeFractionalPercent.newBuilder().setRuntimeKey(key).setDefaultValue(FractionalPercent.newBuilder()
                .setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)).build();
    }
}

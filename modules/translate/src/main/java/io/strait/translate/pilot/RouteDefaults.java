package io.strait.translate.pilot;

import io.strait.model.istio.VirtualService.HttpRetry;
import java.util.Objects;

/**
 * What the mesh sets for every outbound HTTP route that does not say otherwise: the retry policy of routes whose
 * VirtualService sets no {@code retries}, and of the default route of a service no VirtualService routes. In Istio
 * this is MeshConfig's {@code defaultHttpRetryPolicy}; Strait does not read MeshConfig yet, so the translator is
 * given {@link #ISTIO} (Istio's built-in default) and MeshConfig can pass its own value here once it is read.
 *
 * @param retry the default retry policy, read as a VirtualService's {@code retries} is ({@code attempts: 0} turns
 *              retries off everywhere it applies)
 */
public record RouteDefaults(HttpRetry retry) {
    /** Istio's default when MeshConfig sets none: 2 retries on {@link Retries#DEFAULT_RETRY_ON}. */
    public static final RouteDefaults ISTIO = new RouteDefaults(new HttpRetry(2, Retries.DEFAULT_RETRY_ON, null, null));

    public RouteDefaults {
        Objects.requireNonNull(retry, "retry (attempts: 0 for none)");
    }
}

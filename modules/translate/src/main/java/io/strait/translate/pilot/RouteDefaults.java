package io.strait.translate.pilot;

import io.strait.model.istio.VirtualService.HttpRetry;
import java.util.Objects;

/**
 * What the mesh sets for every outbound HTTP route that does not say otherwise: the retry policy of routes whose
 * VirtualService sets no {@code retries}, and of the default route of a service no VirtualService routes: the
 * revision's MeshConfig {@code defaultHttpRetryPolicy} ({@link #of}), or {@link #ISTIO}, Istio's built-in default,
 * when it sets none.
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

    /** What a MeshConfig sets: its {@code defaultHttpRetryPolicy}, else Istio's default. */
    public static RouteDefaults of(io.strait.model.istio.MeshConfig mesh) {
        return mesh.defaultHttpRetryPolicy().map(RouteDefaults::new).orElse(ISTIO);
    }
}

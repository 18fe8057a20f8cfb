package io.strait.ingest;

import io.strait.ingest.jwks.JwksKeys;
import io.strait.model.istio.Durations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the ingest role runs, as its caller configures it (the node's flags), independent of the MeshConfig: the
 * MeshConfig is config that is validated and versioned with the folder, these are properties of the process.
 *
 * @param meshConfig  a MeshConfig file read with the folder instead of its root's {@code mesh.yaml}
 *                    ({@code --mesh-config}); null to read the root's
 * @param jwksRefresh how old fetched jwksUri keys may grow before ingest fetches them again (istiod's
 *                    {@code PILOT_JWT_PUB_KEY_REFRESH_INTERVAL}, 20 minutes by default); keys are refetched on the
 *                    folder's 30 s resync, so an interval below 30 s behaves as 30 s
 */
public record IngestOptions(Path meshConfig, Duration jwksRefresh) {
    /** Today's behaviour: the folder's own mesh.yaml, keys refreshed every 20 minutes. */
    public static final IngestOptions DEFAULTS = new IngestOptions(null, JwksKeys.DEFAULT_REFRESH);

    /** @throws IllegalArgumentException naming {@code jwksRefresh} when it is zero or negative */
    public IngestOptions {
        if (jwksRefresh == null) {
            jwksRefresh = JwksKeys.DEFAULT_REFRESH;
        }
        if (jwksRefresh.isZero() || jwksRefresh.isNegative()) {
            throw new IllegalArgumentException("jwksRefresh: " + jwksRefresh + " must be a positive duration (istiod's default is 20m)");
        }
    }

    /** The same options with another MeshConfig file. */
    public IngestOptions withMeshConfig(Path file) {
        return new IngestOptions(file, jwksRefresh);
    }

    /** The same options with another JWKS refresh interval. */
    public IngestOptions withJwksRefresh(Duration interval) {
        return new IngestOptions(meshConfig, interval);
    }

    /**
     * Reads a refresh interval as a flag gives it, in Go's duration form as istiod's environment variable takes it
     * ({@code 20m}, {@code 1h30m}, {@code 90s}).
     *
     * @throws IllegalArgumentException naming {@code jwksRefresh} and the text when it is not a positive duration
     */
    public static Duration parseJwksRefresh(String text) {
        long nanos = text == null ? -1 : Durations.nanos(text.trim());
        if (nanos < 0) {
            throw new IllegalArgumentException("jwksRefresh: \"" + text + "\" is not a duration (e.g. 20m, 1h30m, 90s)");
        }
        if (nanos == 0) {
            throw new IllegalArgumentException("jwksRefresh: \"" + text + "\" must be a positive duration (istiod's default is 20m)");
        }
        return Duration.ofNanos(nanos);
    }
}

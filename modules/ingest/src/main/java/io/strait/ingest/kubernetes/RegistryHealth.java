package io.strait.ingest.kubernetes;

import io.strait.bus.envelope.RegistryStatus;

/**
 * Whether a cluster's source reaches its API server, as {@code strait.registries.v1} tells it: connected and when
 * it last synced, or stale since when and why. Pure state; one thread.
 */
public final class RegistryHealth {
    private final KubernetesClusterOptions cluster;
    private boolean connected;
    private long syncedAt;
    private long staleSince;
    private String error = "";
    private String problems = "";

    public RegistryHealth(KubernetesClusterOptions cluster) {
        this.cluster = cluster;
    }

    /** The source synced with the API server (all informers listed) at {@code now}. */
    public void synced(long now) {
        connected = true;
        syncedAt = now;
        staleSince = 0;
        error = "";
    }

    /**
     * The API server cannot be reached (or refused); the first time marks what was published stale from {@code now}.
     *
     * @return true when this changed the state (the source was connected, or the reason is new)
     */
    public boolean unreachable(long now, String reason) {
        boolean changed = connected || !reason.equals(error);
        if (connected || staleSince == 0) {
            staleSince = now;
        }
        connected = false;
        error = reason;
        return changed;
    }

    /** Services left out for a reason a user must fix (conflicting ports), shown while connected. */
    public void problems(String text) {
        problems = text == null ? "" : text;
    }

    public boolean connected() {
        return connected;
    }

    public long staleSince() {
        return staleSince;
    }

    /** The record to write now. */
    public RegistryStatus status(int services, int endpoints, long now) {
        String shown = connected ? problems : error;
        return new RegistryStatus(RegistryStatus.VERSION, cluster.cluster(), cluster.network(), cluster.sourceName(), connected,
                syncedAt, connected ? 0 : staleSince, services, endpoints, shown, now);
    }
}

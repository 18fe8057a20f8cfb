package io.strait.cli.runtime;

/**
 * What {@code /readyz} answers, from how long the bus has been unreachable — the pure part of {@link BusWatch}.
 *
 * <p>A process that serves xDS stays ready while the bus is down: its fronts hold every scope's last snapshot in
 * memory and keep serving it, to open streams and to proxies that connect meanwhile, which is what a proxy needs
 * from it (Istio's istiod likewise stays ready on its last known config when its sources are gone). Taking it out of
 * a Service would only leave proxies with nothing. Its answer still says the bus is unreachable, on one line. A
 * process without a front (ingest, translate, the CA) can do nothing useful without the bus: it answers 503 with
 * the reason, so an orchestrator or an operator sees which process is cut off and since when.
 */
record BusReadiness(int code, String body) {
    /**
     * @param servesXds         whether this process runs an xDS front
     * @param unreachableMillis how long the bus has not answered, or a negative number while it answers
     * @param bootstrap         the bootstrap servers, shown so the operator knows which cluster
     */
    static BusReadiness of(boolean servesXds, long unreachableMillis, String bootstrap) {
        if (unreachableMillis < 0) {
            return new BusReadiness(200, "ok\n");
        }
        String reason = "bus unreachable for " + (unreachableMillis / 1000) + " s: " + bootstrap;
        return servesXds
                ? new BusReadiness(200, "ok: serving the last config from memory; " + reason + "\n")
                : new BusReadiness(503, reason + "\n");
    }
}

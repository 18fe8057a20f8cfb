package io.strait.bus.topic;

/** The names of Strait's topics; their partitions and policies live in {@code topics/*.yaml}. */
public final class Topics {
    public static final String CONFIG = "strait.config.v1";
    public static final String REVISIONS = "strait.revisions.v1";
    public static final String ENDPOINTS = "strait.endpoints.v1";
    public static final String PROXIES = "strait.proxies.v1";
    public static final String PROXY_STATUS = "strait.proxy-status.v1";
    public static final String XDS_RESOURCES = "strait.xds.resources.v1";
    public static final String XDS_SCOPES = "strait.xds.scopes.v1";
    public static final String XDS_ENDPOINTS = "strait.xds.endpoints.v1";
    public static final String XDS_COVERAGE = "strait.xds.coverage.v1";
    public static final String FRONTS = "strait.fronts.v1";
    public static final String TRUST = "strait.trust.v1";
    public static final String ROLLOUTS = "strait.rollouts.v1";
    public static final String REGISTRIES = "strait.registries.v1";

    private Topics() {
    }
}

package io.strait.bench;

/** The four xDS type URLs the simulated proxies subscribe to, with a small index each for per-type arrays. */
final class XdsTypes {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    static final int CDS_INDEX = 0;
    static final int EDS_INDEX = 1;
    static final int LDS_INDEX = 2;
    static final int RDS_INDEX = 3;
    static final String[] SHORT = {"CDS", "EDS", "LDS", "RDS"};

    private XdsTypes() {
    }

    static int index(String typeUrl) {
        return switch (typeUrl) {
            case CDS -> CDS_INDEX;
            case EDS -> EDS_INDEX;
            case LDS -> LDS_INDEX;
            case RDS -> RDS_INDEX;
            default -> throw new IllegalArgumentException("the front sent type " + typeUrl + ", which no simulated proxy asked for");
        };
    }
}

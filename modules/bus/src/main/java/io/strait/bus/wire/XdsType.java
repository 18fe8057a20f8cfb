package io.strait.bus.wire;

import java.util.Arrays;
import java.util.Optional;

/** The xDS resource types Strait serves, in the order a front must deliver them (CDS → EDS → LDS → RDS). */
public enum XdsType {
    CDS("type.googleapis.com/envoy.config.cluster.v3.Cluster"),
    EDS("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"),
    LDS("type.googleapis.com/envoy.config.listener.v3.Listener"),
    RDS("type.googleapis.com/envoy.config.route.v3.RouteConfiguration");

    private final String typeUrl;

    XdsType(String typeUrl) {
        this.typeUrl = typeUrl;
    }

    public String typeUrl() {
        return typeUrl;
    }

    public static Optional<XdsType> of(String typeUrl) {
        return Arrays.stream(values()).filter(t -> t.typeUrl.equals(typeUrl)).findFirst();
    }
}

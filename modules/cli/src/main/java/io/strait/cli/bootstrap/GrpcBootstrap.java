package io.strait.cli.bootstrap;

import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gRPC xDS bootstrap (the file {@code GRPC_XDS_BOOTSTRAP} points to) for a proxyless client of Strait, with a
 * node in Istio's form so the same bootstrap works against istiod.
 *
 * @param serverUri the xDS front, {@code host:port}
 * @param nodeId    {@code sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local}
 * @param namespace workload namespace
 * @param labels    workload labels
 * @param locality  {@code region/zone/subzone} of the workload, empty if not given
 */
public record GrpcBootstrap(String serverUri, String nodeId, String namespace, Map<String, String> labels, String locality) {

    /** A bootstrap for a client named {@code pod} in {@code namespace} on this machine. */
    public static GrpcBootstrap forWorkload(String serverUri, String pod, String namespace, Map<String, String> labels) {
        return new GrpcBootstrap(serverUri, "sidecar~127.0.0.1~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local",
                namespace, labels, "");
    }

    /** The same bootstrap for a workload in {@code locality} ({@code region/zone/subzone}). */
    public GrpcBootstrap withLocality(String locality) {
        return new GrpcBootstrap(serverUri, nodeId, namespace, labels, locality);
    }

    /** The bootstrap as the JSON-like map gRPC's bootstrap parser reads. */
    public Map<String, Object> toMap() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("GENERATOR", "grpc");
        metadata.put("NAMESPACE", namespace);
        metadata.put("SERVICE_ACCOUNT", "default");
        metadata.put("CLUSTER_ID", "Kubernetes");
        metadata.put("LABELS", new LinkedHashMap<>(labels));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", nodeId);
        node.put("metadata", metadata);
        if (locality != null && !locality.isEmpty()) {
            String[] parts = locality.split("/", 3);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("region", parts[0]);
            if (parts.length > 1) {
                l.put("zone", parts[1]);
            }
            if (parts.length > 2) {
                l.put("sub_zone", parts[2]);
            }
            node.put("locality", l);
        }
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("server_uri", serverUri);
        server.put("channel_creds", List.of(Map.of("type", "insecure")));
        server.put("server_features", List.of("xds_v3"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("xds_servers", List.of(server));
        root.put("node", node);
        return root;
    }

    public String toJson() {
        return new String(Json.write(toMap()), StandardCharsets.UTF_8);
    }
}

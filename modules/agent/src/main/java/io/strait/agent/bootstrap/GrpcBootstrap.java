package io.strait.agent.bootstrap;

import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gRPC xDS bootstrap (the file {@code GRPC_XDS_BOOTSTRAP} points to) for a proxyless client or server, with a node
 * in Istio's form ({@code sidecar~IP~POD.NS~NS.svc.cluster.local}, metadata NAMESPACE, SERVICE_ACCOUNT, LABELS,
 * GENERATOR grpc, CLUSTER_ID) so the same bootstrap works against istiod. The one bootstrap builder: {@code strait
 * bootstrap grpc}, the demo and {@code strait agent} (which adds the certificate provider and the inbound listener
 * template, and points {@code xds_servers} at its local xDS proxy) all use it.
 *
 * @param serverUri      the xDS server: {@code host:port}, or {@code unix:///abs/path} for the agent's proxy
 * @param channelCreds   {@code channel_creds}, in order of preference, e.g. {@code [{"type":"insecure"}]}
 * @param nodeId         {@code sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local}
 * @param namespace      workload namespace
 * @param serviceAccount workload service account (Istio authorizes by it)
 * @param clusterId      Istio's CLUSTER_ID, {@code Kubernetes} for a single cluster
 * @param labels         workload labels
 * @param locality       {@code region/zone/subzone} of the workload, empty if not given
 * @param certificates   the {@code default} certificate provider's files, or null for none
 * @param inbound        whether to set Istio's {@code server_listener_resource_name_template} (for xDS servers)
 */
public record GrpcBootstrap(String serverUri, List<Map<String, Object>> channelCreds, String nodeId, String namespace,
                            String serviceAccount, String clusterId, Map<String, String> labels, String locality,
                            FileWatcher certificates, boolean inbound) {
    /** Istio's template for the inbound listener a proxyless gRPC server asks for. */
    public static final String INBOUND_TEMPLATE = "xds.istio.io/grpc/lds/inbound/%s";
    /** Plain text: the front's 15010, or the agent's proxy on a local socket. */
    public static final List<Map<String, Object>> INSECURE = List.of(Map.of("type", "insecure"));

    /**
     * The {@code file_watcher} certificate provider's files, as grpc-java and grpc-go read them.
     *
     * @param certificateFile   the chain, leaf first
     * @param privateKeyFile    the PKCS#8 key
     * @param caCertificateFile every trusted root
     * @param refresh           how often the files are checked for a change
     */
    public record FileWatcher(Path certificateFile, Path privateKeyFile, Path caCertificateFile, Duration refresh) {
    }

    public GrpcBootstrap {
        channelCreds = List.copyOf(channelCreds);
        labels = Map.copyOf(labels);
        locality = locality == null ? "" : locality;
    }

    /** A bootstrap for a client named {@code pod} in {@code namespace} on this machine, service account {@code default}. */
    public static GrpcBootstrap forWorkload(String serverUri, String pod, String namespace, Map<String, String> labels) {
        return forWorkload(serverUri, "127.0.0.1", pod, namespace, "default", labels, "Kubernetes");
    }

    /** A bootstrap for workload {@code pod} at {@code ip}, running as {@code serviceAccount}. */
    public static GrpcBootstrap forWorkload(String serverUri, String ip, String pod, String namespace, String serviceAccount,
                                            Map<String, String> labels, String clusterId) {
        return new GrpcBootstrap(serverUri, INSECURE, nodeId(ip, pod, namespace), namespace, serviceAccount, clusterId,
                new LinkedHashMap<>(labels), "", null, false);
    }

    /** Istio's sidecar node id. */
    public static String nodeId(String ip, String pod, String namespace) {
        return "sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local";
    }

    /** The same bootstrap for a workload in {@code locality} ({@code region/zone/subzone}). */
    public GrpcBootstrap withLocality(String newLocality) {
        return new GrpcBootstrap(serverUri, channelCreds, nodeId, namespace, serviceAccount, clusterId, labels, newLocality, certificates, inbound);
    }

    /** The same bootstrap with a {@code default} {@code file_watcher} certificate provider and the inbound template. */
    public GrpcBootstrap withCertificates(FileWatcher files) {
        return new GrpcBootstrap(serverUri, channelCreds, nodeId, namespace, serviceAccount, clusterId, labels, locality, files, true);
    }

    /** The same bootstrap with another xDS server and channel credentials. */
    public GrpcBootstrap withServer(String uri, List<Map<String, Object>> creds) {
        return new GrpcBootstrap(uri, creds, nodeId, namespace, serviceAccount, clusterId, labels, locality, certificates, inbound);
    }

    /**
     * gRFC A65 {@code tls} channel credentials over {@code files}: grpc-go reads them; grpc-java 1.85's
     * {@code TlsXdsCredentialsProvider} ignores the config (system roots, no client certificate), which is why the
     * agent's default is its local xDS proxy instead.
     */
    public static List<Map<String, Object>> tls(FileWatcher files) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ca_certificate_file", files.caCertificateFile().toString());
        config.put("certificate_file", files.certificateFile().toString());
        config.put("private_key_file", files.privateKeyFile().toString());
        Map<String, Object> creds = new LinkedHashMap<>();
        creds.put("type", "tls");
        creds.put("config", config);
        return List.of(creds);
    }

    /** The bootstrap as the JSON-like map gRPC's bootstrap parser reads (mutable: tests add to it). */
    public Map<String, Object> toMap() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("GENERATOR", "grpc");
        metadata.put("NAMESPACE", namespace);
        metadata.put("SERVICE_ACCOUNT", serviceAccount);
        metadata.put("CLUSTER_ID", clusterId);
        metadata.put("LABELS", new LinkedHashMap<>(labels));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", nodeId);
        node.put("metadata", metadata);
        if (!locality.isEmpty()) {
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
        server.put("channel_creds", channelCreds);
        server.put("server_features", List.of("xds_v3"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("xds_servers", List.of(server));
        root.put("node", node);
        if (certificates != null) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("certificate_file", certificates.certificateFile().toString());
            config.put("private_key_file", certificates.privateKeyFile().toString());
            config.put("ca_certificate_file", certificates.caCertificateFile().toString());
            config.put("refresh_interval", certificates.refresh().toSeconds() + "s");
            Map<String, Object> provider = new LinkedHashMap<>();
            provider.put("plugin_name", "file_watcher");
            provider.put("config", config);
            Map<String, Object> providers = new LinkedHashMap<>();
            providers.put("default", provider);
            root.put("certificate_providers", providers);
        }
        if (inbound) {
            root.put("server_listener_resource_name_template", INBOUND_TEMPLATE);
        }
        return root;
    }

    public String toJson() {
        return new String(Json.write(toMap()), StandardCharsets.UTF_8);
    }
}

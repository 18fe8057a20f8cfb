package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.strait.model.mesh.MeshModel;
import io.strait.model.yaml.Position;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What analysis looks at: every Istio document (as written, even if it does not validate: analyzers, like
 * Istio's, look at what is there) and the Kubernetes objects that stand for the service registry — Services,
 * Pods, Nodes, Secrets, Namespaces — and the MeshConfig, if the documents hold one ({@link MeshSettings}); for
 * the gateway analyzers, also Istio's default ingress gateway ({@link #withDefaultIngress}). Items of a
 * {@code kind: List} count as documents of their own. Indexed by kind, with the visibility and host-matching rules
 * analyzers share.
 */
public final class AnalysisInput {
    private static final String CLUSTER_SUFFIX = ".svc.cluster.local";
    /** The namespace Istio runs in (istioctl analyze's default), where its default ingress gateway lives. */
    static final String DEFAULT_GATEWAY_NAMESPACE = "istio-system";
    /** Kinds with no namespace: their messages name them without one. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node",
            "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
    /** The API group of the Kubernetes Gateway API, whose Gateway kind shares its name with Istio's. */
    static final String KUBERNETES_GATEWAY_GROUP = "gateway.networking.k8s.io";
    /** The kind under which a Gateway API Gateway is kept (Istio's analyzers' name for it). */
    public static final String KUBERNETES_GATEWAY = "KubernetesGateway";
    static final String DEFAULT_INGRESS_SERVICE = "istio-ingressgateway";
    /** The file name findings about the default ingress gateway would carry (Istio's source name for it). */
    static final String DEFAULT_INGRESS_FILE = "internal-ingress";
    private static final String DEFAULT_INGRESS_POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: istio-ingressgateway-dummypod
              namespace: istio-system
              labels: {istio: ingressgateway}
            spec:
              containers: [{name: istio-proxy}]
            """;
    private static final String DEFAULT_INGRESS_SVC = """
            apiVersion: v1
            kind: Service
            metadata: {name: istio-ingressgateway, namespace: istio-system}
            spec:
              selector: {istio: ingressgateway}
              ports:
              - {name: http2, port: 80, protocol: TCP, targetPort: 80}
              - {name: https, port: 443, protocol: TCP, targetPort: 443}
              - {name: tcp, port: 31400, protocol: TCP, targetPort: 31400}
              - {name: tls, port: 15443, protocol: TCP, targetPort: 15443}
            """;
    /** Read once: documents are never changed by analysis. */
    private static final List<YamlDocument> DEFAULT_INGRESS = defaultIngress(DEFAULT_INGRESS_SERVICE);

    /**
     * One Kubernetes-style document.
     *
     * @param kind      its kind
     * @param namespace its namespace ({@code default} when not set)
     * @param name      its name
     * @param document  the document, for line numbers
     */
    public record Doc(String kind, String namespace, String name, YamlDocument document) {
        public JsonNode spec() {
            return document.tree().path("spec");
        }

        public JsonNode metadata() {
            return document.tree().path("metadata");
        }

        public Map<String, String> labels() {
            return strings(metadata().path("labels"));
        }

        /** {@code Kind namespace/name}, or {@code Kind name} for a cluster-scoped kind, as Istio names origins. */
        public String displayName() {
            return CLUSTER_SCOPED.contains(kind) ? kind + " " + name : kind + " " + namespace + "/" + name;
        }
    }

    /** A host that exists in the registry: a Kubernetes Service or a ServiceEntry host, with who may see it. */
    record RegisteredHost(String host, String namespace, List<String> exportTo, List<Integer> ports) {
    }

    /**
     * A Service a Kubernetes cluster publishes on {@code strait.endpoints.v1} (by any registry source): a real host
     * of the mesh although no file declares it.
     *
     * @param host      its hostname ({@code <svc>.<ns>.svc.<domain>})
     * @param namespace its namespace (Kubernetes Services are visible everywhere unless exported otherwise)
     * @param ports     its port numbers, over every cluster that has it
     */
    public record ClusterHost(String host, String namespace, List<Integer> ports) {
        public ClusterHost {
            ports = List.copyOf(ports);
        }
    }

    private final Map<String, List<Doc>> byKind = new HashMap<>();
    /** The hosts the clusters' registries publish, after the documents' own in lookup order. */
    private List<ClusterHost> clusterHosts = List.of();
    private java.util.Set<String> clusterHostNames = java.util.Set.of();
    private final MeshSettings mesh;
    /** istioctl analyze's default ingress gateway's Pod and Service by kind, built on first use. */
    private Map<String, Doc> defaultIngress;
    /** The registry's hosts, built on first use: analyzers look destinations up many times per revision. */
    private List<RegisteredHost> hosts;
    private Map<String, List<Integer>> exactHosts;
    /** Indexes of the wildcard hosts (only they can cover another name), ascending. */
    private List<Integer> wildcardHosts;

    /** The documents, with the MeshConfig among them if any (as {@code strait analyze} takes it). */
    public AnalysisInput(Collection<YamlDocument> documents) {
        this(documents, Optional.empty());
    }

    /** The documents of a revision, with its MeshConfig when it has one (else as {@link #AnalysisInput(Collection)}). */
    public AnalysisInput(Collection<YamlDocument> documents, Optional<io.strait.model.istio.MeshConfig> meshConfig) {
        mesh = meshConfig.map(MeshSettings::new).orElseGet(() -> MeshSettings.of(List.copyOf(documents)));
        for (YamlDocument d : documents) {
            if ("List".equals(d.tree().path("kind").asText("")) && d.tree().path("items").isArray()) {
                for (int i = 0; i < d.tree().path("items").size(); i++) {
                    add(item(d, i));
                }
            } else {
                add(d);
            }
        }
    }

    private void add(YamlDocument d) {
        JsonNode tree = d.tree();
        String kind = tree.path("kind").asText("");
        String name = tree.path("metadata").path("name").asText("");
        if (kind.isEmpty() || name.isEmpty()) {
            return;
        }
        // the Gateway API's Gateway is not Istio's: Istio's analyzers know it as KubernetesGateway
        if (kind.equals("Gateway") && tree.path("apiVersion").asText("").startsWith(KUBERNETES_GATEWAY_GROUP + "/")) {
            kind = KUBERNETES_GATEWAY;
        }
        String ns = tree.path("metadata").path("namespace").asText("");
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Doc(kind, ns.isEmpty() ? "default" : ns, name, d));
    }

    /** Item {@code i} of a {@code kind: List} document, as a document of its own with the item's positions. */
    private static YamlDocument item(YamlDocument list, int i) {
        String prefix = "items[" + i + "]";
        Map<String, Position> positions = new HashMap<>();
        list.positions().forEach((path, at) -> {
            if (path.equals(prefix)) {
                positions.put("", at);
            } else if (path.startsWith(prefix + ".") || path.startsWith(prefix + "[")) {
                positions.put(path.substring(prefix.length() + (path.charAt(prefix.length()) == '.' ? 1 : 0)), at);
            }
        });
        return new YamlDocument(list.file(), list.index(), list.positionOf(prefix), list.tree().path("items").path(i), Map.copyOf(positions));
    }

    /**
     * The documents of a kind with, for Pods and Services, what {@code istioctl analyze} adds to the files it is
     * given (its default resources): Istio's ingress gateway, a Pod labelled {@code istio: ingressgateway} and the
     * Service {@code istio-ingressgateway} in istio-system forwarding ports 80, 443, 31400 and 15443 to it — named
     * after the MeshConfig's {@code ingressService}, left out when its {@code ingressControllerMode} is OFF or the
     * files define them. The gateway analyzers look for a gateway's workload here, as Istio's do: a gateway for
     * {@code istio: ingressgateway} has one, and its credentials are in istio-system. {@link #all} leaves these out
     * (other analyzers tell "the files give no pods" from "nothing is selected").
     */
    List<Doc> withDefaultIngress(String kind) {
        if (defaultIngress == null) {
            defaultIngress = defaultIngress();
        }
        Doc extra = defaultIngress.get(kind);
        if (extra == null) {
            return all(kind);
        }
        List<Doc> out = new ArrayList<>(all(kind));
        out.add(extra);
        return out;
    }

    private Map<String, Doc> defaultIngress() {
        Map<String, Doc> out = new HashMap<>();
        if (!mesh.defaultIngressGateway()) {
            return out;
        }
        String service = mesh.config().ingressService();
        List<YamlDocument> ingress = service.equals(DEFAULT_INGRESS_SERVICE) ? DEFAULT_INGRESS : defaultIngress(service);
        for (YamlDocument d : ingress) {
            String kind = d.tree().path("kind").asText();
            String name = d.tree().path("metadata").path("name").asText();
            if (find(kind, DEFAULT_GATEWAY_NAMESPACE, name).isEmpty()) {
                out.put(kind, new Doc(kind, DEFAULT_GATEWAY_NAMESPACE, name, d));
            }
        }
        return out;
    }

    /** The default ingress gateway's Pod and Service for a Service name (none for a name Kubernetes would refuse). */
    private static List<YamlDocument> defaultIngress(String service) {
        if (!service.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            return List.of();
        }
        String pod = DEFAULT_INGRESS_POD.replace(DEFAULT_INGRESS_SERVICE + "-dummypod", service + "-dummypod");
        String svc = DEFAULT_INGRESS_SVC.replace("name: " + DEFAULT_INGRESS_SERVICE + ",", "name: " + service + ",");
        try {
            return List.copyOf(YamlReader.read(DEFAULT_INGRESS_FILE, pod + "---\n" + svc));
        } catch (YamlSyntaxError e) {
            throw new IllegalStateException(e); // constant text around a checked name
        }
    }

    /**
     * Adds the hosts of the clusters' registries: a destination they name exists, with their ports. Call before any
     * analyzer looks a host up.
     */
    public AnalysisInput withClusterHosts(Collection<ClusterHost> hosts) {
        clusterHosts = List.copyOf(hosts);
        clusterHostNames = clusterHosts.stream().map(ClusterHost::host).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.hosts = null;
        return this;
    }

    /** True when a cluster's registry publishes this hostname. */
    public boolean inClusterRegistry(String host) {
        return clusterHostNames.contains(host);
    }

    /** The MeshConfig among the documents (a kind-less MeshConfig document or ConfigMap {@code istio}), or the default. */
    public MeshSettings mesh() {
        return mesh;
    }

    public List<Doc> all(String kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    Optional<Doc> find(String kind, String namespace, String name) {
        return all(kind).stream().filter(d -> d.namespace().equals(namespace) && d.name().equals(name)).findFirst();
    }

    /** Istio's short-name rule, as the mesh model applies it. */
    static String fqdn(String host, String namespace) {
        return MeshModel.fqdn(host, namespace);
    }

    /** Every host of the registry, in document order. */
    List<RegisteredHost> hosts() {
        if (hosts == null) {
            hosts = List.copyOf(registry());
            exactHosts = new HashMap<>();
            wildcardHosts = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                exactHosts.computeIfAbsent(hosts.get(i).host(), h -> new ArrayList<>()).add(i);
                if (hosts.get(i).host().startsWith("*")) {
                    wildcardHosts.add(i);
                }
            }
        }
        return hosts;
    }

    private List<RegisteredHost> registry() {
        List<RegisteredHost> out = new ArrayList<>();
        for (Doc svc : all("Service")) {
            String exportTo = svc.metadata().path("annotations").path("networking.istio.io/exportTo").asText("");
            List<Integer> ports = new ArrayList<>();
            svc.spec().path("ports").forEach(p -> ports.add(p.path("port").asInt()));
            out.add(new RegisteredHost(svc.name() + "." + svc.namespace() + CLUSTER_SUFFIX, svc.namespace(),
                    exportTo.isEmpty() ? List.of() : List.of(exportTo.split("\\s*,\\s*")), ports));
        }
        for (Doc se : all("ServiceEntry")) {
            List<String> exportTo = texts(se.spec().path("exportTo"));
            List<Integer> ports = new ArrayList<>();
            se.spec().path("ports").forEach(p -> ports.add(p.path("number").asInt()));
            for (String h : texts(se.spec().path("hosts"))) {
                out.add(new RegisteredHost(fqdn(h, se.namespace()), se.namespace(), exportTo, ports));
            }
        }
        for (ClusterHost h : clusterHosts) {
            out.add(new RegisteredHost(h.host(), h.namespace(), List.of(), h.ports()));
        }
        return out;
    }

    /**
     * The registered host a destination names, as seen from {@code viewer}, if any: the first in document order
     * among those registered under that very name and the wildcards that cover it.
     */
    Optional<RegisteredHost> lookup(String host, String viewer) {
        List<RegisteredHost> all = hosts();
        int best = Integer.MAX_VALUE;
        for (int i : exactHosts.getOrDefault(host, List.of())) {
            if (visible(all.get(i).exportTo(), all.get(i).namespace(), viewer)) {
                best = Math.min(best, i);
                break; // indexes are ascending
            }
        }
        for (int i : wildcardHosts) {
            if (i >= best) {
                break;
            }
            RegisteredHost h = all.get(i);
            if (!h.host().equals(host) && hostMatches(h.host(), host) && visible(h.exportTo(), h.namespace(), viewer)) {
                best = i;
                break;
            }
        }
        return best == Integer.MAX_VALUE ? Optional.empty() : Optional.of(all.get(best));
    }

    /** Istio's exportTo, as the mesh model applies it. */
    static boolean visible(List<String> exportTo, String owner, String viewer) {
        return MeshModel.exportedTo(exportTo, owner, viewer);
    }

    /** True when a registered host (maybe a wildcard) covers a requested host (maybe the same wildcard). */
    static boolean hostMatches(String registered, String requested) {
        if (registered.equals(requested) || registered.equals("*")) {
            return true;
        }
        return registered.startsWith("*.") && requested.endsWith(registered.substring(1)) && !requested.equals(registered.substring(2));
    }

    /** True when two host patterns (gateway hosts, VirtualService hosts) can name the same host. */
    static boolean hostsOverlap(String a, String b) {
        return hostMatches(a, b) || hostMatches(b, a);
    }

    /** The pods whose labels include {@code selector} (in {@code namespace}, or anywhere if null). */
    List<Doc> pods(String namespace, Map<String, String> selector) {
        return all("Pod").stream()
                .filter(p -> namespace == null || p.namespace().equals(namespace))
                .filter(p -> p.labels().entrySet().containsAll(selector.entrySet()))
                .toList();
    }

    static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static JsonNode missing() {
        return MissingNode.getInstance();
    }
}

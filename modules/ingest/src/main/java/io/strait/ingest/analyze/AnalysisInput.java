package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.strait.model.mesh.MeshModel;
import io.strait.model.yaml.YamlDocument;
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
 * Pods, Nodes, Secrets, Namespaces — and the MeshConfig, if the documents hold one ({@link MeshSettings}). Indexed
 * by kind, with the visibility and host-matching rules analyzers share.
 */
public final class AnalysisInput {
    private static final String CLUSTER_SUFFIX = ".svc.cluster.local";
    /** The namespace of Istio's default ingress gateway, assumed when a gateway selects it and no pod is given. */
    static final String DEFAULT_GATEWAY_NAMESPACE = "istio-system";
    /** Kinds with no namespace: their messages name them without one. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node",
            "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

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

    private final Map<String, List<Doc>> byKind = new HashMap<>();
    private final MeshSettings mesh;
    /** The registry's hosts, built on first use: analyzers look destinations up many times per revision. */
    private List<RegisteredHost> hosts;
    private Map<String, List<Integer>> exactHosts;
    /** Indexes of the wildcard hosts (only they can cover another name), ascending. */
    private List<Integer> wildcardHosts;

    public AnalysisInput(Collection<YamlDocument> documents) {
        mesh = MeshSettings.of(List.copyOf(documents));
        for (YamlDocument d : documents) {
            JsonNode tree = d.tree();
            String kind = tree.path("kind").asText("");
            String name = tree.path("metadata").path("name").asText("");
            if (kind.isEmpty() || name.isEmpty()) {
                continue;
            }
            String ns = tree.path("metadata").path("namespace").asText("");
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Doc(kind, ns.isEmpty() ? "default" : ns, name, d));
        }
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

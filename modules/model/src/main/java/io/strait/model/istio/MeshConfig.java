package io.strait.model.istio;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.strait.model.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Istio's MeshConfig ({@code mesh/v1alpha1/config.proto}): the settings of the whole mesh, read from a
 * {@code mesh.yaml} at a source's root or from {@code --mesh-config}, and published as one resource of the revision
 * ({@link #KEY}). The tree is kept as written (every Istio field is accepted and kept, whether Strait uses it or not);
 * the accessors give the fields Strait reads, with Istio's defaults ({@code DefaultMeshConfig} in istio's
 * {@code pkg/config/mesh}) for what the document leaves out, and never fail, whatever the tree holds: analyzers read
 * a MeshConfig that did not validate too, as Istio's do.
 *
 * <p>Defaults follow Istio's merge ({@code ApplyMeshConfig}): a top-level field that is written replaces the default
 * whole — so {@code outboundTrafficPolicy: {}} is REGISTRY_ONLY, the proto's zero value — except that extension
 * providers are merged by name into Istio's built-in ones, and trust domain aliases are a sorted set.
 *
 * @param tree the document as written (an empty object for the default MeshConfig)
 */
public record MeshConfig(@JsonValue JsonNode tree) implements Spec {
    /** Istio's defaults: what a mesh without a mesh.yaml runs with. */
    public static final MeshConfig DEFAULT = new MeshConfig(JsonNodeFactory.instance.objectNode());
    /** The kind of the resource a MeshConfig is published as. */
    public static final String KIND = "MeshConfig";
    /** The one name a MeshConfig is published under: the mesh has one. */
    public static final String NAME = "mesh";
    /** Its key on {@code strait.config.v1}: {@code MeshConfig//mesh} (cluster-wide, so no namespace). */
    public static final ResourceKey KEY = new ResourceKey(KIND, "", NAME);
    /** The name of the file at a source's root that holds it. */
    public static final String FILE_NAME = "mesh.yaml";

    static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    static final String DEFAULT_ROOT_NAMESPACE = "istio-system";
    static final String DEFAULT_INGRESS_SERVICE = "istio-ingressgateway";
    static final String DEFAULT_INGRESS_SELECTOR = "ingressgateway";
    /** Istio's built-in extension providers, which a MeshConfig's own providers of the same name replace. */
    private static final List<ExtensionProvider> BUILT_IN_PROVIDERS = List.of(
            builtIn("prometheus", "prometheus", "{}"),
            builtIn("stackdriver", "stackdriver", "{}"),
            builtIn("envoy", "envoyFileAccessLog", "{\"path\": \"/dev/stdout\"}"));

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public MeshConfig {
        tree = tree == null || !tree.isObject() ? JsonNodeFactory.instance.objectNode() : tree;
    }

    /** Where traffic to a destination outside the registry goes ({@code outboundTrafficPolicy.mode}). */
    public enum OutboundMode {
        /** Unknown destinations are dropped (BlackHoleCluster). */
        REGISTRY_ONLY,
        /** Unknown destinations pass through (PassthroughCluster): Istio's default. */
        ALLOW_ANY,
        /** As ALLOW_ANY, with DNS resolved by the proxy for wildcard ServiceEntries (Istio's newer mode). */
        ALLOW_ANY_DYNAMIC_DNS;

        /** Whether unknown destinations are blocked. */
        public boolean registryOnly() {
            return this == REGISTRY_ONLY;
        }
    }

    /**
     * One of {@code extensionProviders}: its name, its type (the key beside {@code name}: {@code zipkin},
     * {@code opentelemetry}, {@code envoyExtAuthzHttp}, …; "" when none) and that type's settings.
     */
    public record ExtensionProvider(String name, String type, JsonNode settings) {
    }

    /** {@code trustDomain}: the SPIFFE trust domain of workload identities; {@code cluster.local} by default. */
    public String trustDomain() {
        return text("trustDomain", DEFAULT_TRUST_DOMAIN);
    }

    /** {@code trustDomainAliases}: other trust domains whose identities count as this mesh's, sorted and distinct. */
    public List<String> trustDomainAliases() {
        return List.copyOf(new TreeSet<>(texts(tree.path("trustDomainAliases"))));
    }

    /** {@code rootNamespace}: where mesh-wide Sidecars and policies live; {@code istio-system} by default. */
    public String rootNamespace() {
        String ns = text("rootNamespace", DEFAULT_ROOT_NAMESPACE);
        return ns.isEmpty() ? DEFAULT_ROOT_NAMESPACE : ns;
    }

    /** {@code enableAutoMtls}: clients use mTLS to workloads that accept it without a DestinationRule; on by default. */
    public boolean enableAutoMtls() {
        JsonNode v = tree.path("enableAutoMtls");
        return !v.isBoolean() || v.asBoolean();
    }

    /**
     * {@code outboundTrafficPolicy.mode}: ALLOW_ANY when the field is not written; REGISTRY_ONLY (the proto's zero
     * value) when it is written without a mode, as Istio reads it.
     */
    public OutboundMode outboundTrafficPolicy() {
        JsonNode policy = tree.path("outboundTrafficPolicy");
        if (!policy.isObject()) {
            return OutboundMode.ALLOW_ANY;
        }
        String mode = policy.path("mode").asText(OutboundMode.REGISTRY_ONLY.name());
        for (OutboundMode m : OutboundMode.values()) {
            if (m.name().equals(mode)) {
                return m;
            }
        }
        return OutboundMode.ALLOW_ANY;
    }

    /**
     * {@code defaultHttpRetryPolicy}: the retries of HTTP routes that set none, read as a VirtualService's
     * {@code retries}; empty when not written (Istio then retries twice on its default conditions).
     */
    public Optional<VirtualService.HttpRetry> defaultHttpRetryPolicy() {
        JsonNode policy = tree.path("defaultHttpRetryPolicy");
        if (!policy.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.treeToValue(policy, VirtualService.HttpRetry.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty(); // validation reports it; analysis of an invalid file reads it as unset
        }
    }

    /** {@code defaultConfig}: the ProxyConfig every proxy starts from, as written (an empty object when not). */
    public JsonNode defaultConfig() {
        JsonNode pc = tree.path("defaultConfig");
        return pc.isObject() ? pc : JsonNodeFactory.instance.objectNode();
    }

    /** {@code defaultConfig.proxyMetadata}: environment every proxy gets, in the order written. */
    public Map<String, String> proxyMetadata() {
        Map<String, String> out = new LinkedHashMap<>();
        defaultConfig().path("proxyMetadata").fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    /**
     * {@code extensionProviders}: Istio's built-in {@code prometheus}, {@code stackdriver} and {@code envoy} (a file
     * access log to /dev/stdout), each replaced by a provider of the same name written here, then the others written,
     * in order; entries without a name are left out, and a repeated name keeps its first entry.
     */
    public List<ExtensionProvider> extensionProviders() {
        Map<String, ExtensionProvider> byName = new LinkedHashMap<>();
        BUILT_IN_PROVIDERS.forEach(p -> byName.put(p.name(), p));
        java.util.Set<String> written = new java.util.HashSet<>();
        for (JsonNode p : tree.path("extensionProviders")) {
            String name = p.path("name").asText("");
            if (name.isEmpty() || !written.add(name)) {
                continue;
            }
            String type = "";
            JsonNode settings = JsonNodeFactory.instance.objectNode();
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("name")) {
                    type = f;
                    settings = p.get(f);
                    break;
                }
            }
            byName.put(name, new ExtensionProvider(name, type, settings));
        }
        return List.copyOf(byName.values());
    }

    /** {@code defaultProviders.accessLogging}: the access log providers a Telemetry without providers falls back to. */
    public List<String> defaultAccessLogging() {
        return texts(tree.path("defaultProviders").path("accessLogging"));
    }

    /** {@code ingressControllerMode}: STRICT by default; OFF turns Istio's ingress controller (and its gateway) off. */
    public String ingressControllerMode() {
        return text("ingressControllerMode", "STRICT");
    }

    /** {@code ingressService}: the Service of the ingress gateway; {@code istio-ingressgateway} by default. */
    public String ingressService() {
        String s = text("ingressService", DEFAULT_INGRESS_SERVICE);
        return s.isEmpty() ? DEFAULT_INGRESS_SERVICE : s;
    }

    /** {@code ingressSelector}: the {@code istio} label of the ingress gateway; {@code ingressgateway} by default. */
    public String ingressSelector() {
        String s = text("ingressSelector", DEFAULT_INGRESS_SELECTOR);
        return s.isEmpty() ? DEFAULT_INGRESS_SELECTOR : s;
    }

    /** {@code defaultServiceExportTo}: where services without {@code exportTo} are visible; {@code *} by default. */
    public List<String> defaultServiceExportTo() {
        return exportTo("defaultServiceExportTo");
    }

    /** {@code defaultVirtualServiceExportTo}; {@code *} by default. */
    public List<String> defaultVirtualServiceExportTo() {
        return exportTo("defaultVirtualServiceExportTo");
    }

    /** {@code defaultDestinationRuleExportTo}; {@code *} by default. */
    public List<String> defaultDestinationRuleExportTo() {
        return exportTo("defaultDestinationRuleExportTo");
    }

    /**
     * {@code meshNetworks}: Istio's MeshNetworks document (the {@code meshNetworks} key of istiod's ConfigMap, here a
     * field of the MeshConfig document); {@link MeshNetworks#NONE} when not written.
     */
    public MeshNetworks meshNetworks() {
        return MeshNetworks.of(tree.get("meshNetworks"));
    }

    /** Istio's default cluster-local hosts: kube-system's services and the API server's ({@code ClusterLocalProvider}). */
    static final List<String> DEFAULT_CLUSTER_LOCAL_HOSTS = List.of("*.kube-system.svc.cluster.local",
            "kubernetes.default.svc.cluster.local");

    /**
     * Whether a host is cluster-local ({@code serviceSettings[].settings.clusterLocal}): a proxy reaches only the
     * endpoints of its own cluster for it. Istio's rule: the most specific pattern naming the host decides (an exact
     * host before wildcards, a longer wildcard before a shorter one); Istio's defaults
     * ({@code *.kube-system.svc.cluster.local} and {@code kubernetes.default.svc.cluster.local}) apply unless a setting names them with {@code clusterLocal: false}.
     */
    public boolean isClusterLocal(String host) {
        Map<String, Boolean> patterns = new LinkedHashMap<>();
        for (JsonNode setting : tree.path("serviceSettings")) {
            boolean local = setting.path("settings").path("clusterLocal").asBoolean(false);
            for (String h : texts(setting.path("hosts"))) {
                patterns.put(h, local);
            }
        }
        for (String d : DEFAULT_CLUSTER_LOCAL_HOSTS) {
            // a default is dropped when a setting turns it (or a host it covers) off, else kept
            boolean overridden = patterns.entrySet().stream().anyMatch(p -> !p.getValue() && (p.getKey().equals(d)
                    || d.startsWith("*.") && p.getKey().endsWith(d.substring(1))));
            if (!overridden) {
                patterns.putIfAbsent(d, true);
            }
        }
        Boolean exact = patterns.get(host);
        if (exact != null && !host.startsWith("*")) {
            return exact;
        }
        String best = null;
        for (String p : patterns.keySet()) {
            if (p.equals("*") || p.startsWith("*.") && host.endsWith(p.substring(1))) {
                if (best == null || p.length() > best.length()) {
                    best = p;
                }
            }
        }
        return best != null && patterns.get(best);
    }

    /** Whether the document sets a top-level field (as opposed to taking Istio's default for it). */
    public boolean has(String field) {
        return tree.has(field);
    }

    private List<String> exportTo(String field) {
        List<String> written = texts(tree.path(field));
        return written.isEmpty() ? List.of("*") : written;
    }

    private String text(String field, String fallback) {
        JsonNode v = tree.path(field);
        return v.isTextual() ? v.asText() : fallback;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(v -> {
                if (v.isTextual()) {
                    out.add(v.asText());
                }
            });
        }
        return List.copyOf(out);
    }

    private static ExtensionProvider builtIn(String name, String type, String settings) {
        try {
            return new ExtensionProvider(name, type, Json.MAPPER.readTree(settings));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

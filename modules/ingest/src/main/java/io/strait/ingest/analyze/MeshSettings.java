package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The few MeshConfig settings analyzers read, taken from the analysed files: a plain MeshConfig document (no
 * {@code kind}, as {@code istioctl analyze --meshConfigFile} and Istio's analyzer test take it), or else the
 * {@code mesh} key of a ConfigMap named {@code istio}, istiod's own source. With neither, Istio's defaults apply:
 * no extension provider the analyzers care about and no default providers.
 *
 * <p>Deliberately small and read-only: it is not Strait's mesh configuration (a real {@code mesh.yaml} with
 * defaults merged is another issue's work), only what analyzers need — Telemetry providers, the root namespace,
 * proxy metadata, the ingress controller mode — plus the raw tree for the odd analyzer that needs one more field.
 *
 * @param config             the MeshConfig as written (a missing node when the input has none)
 * @param extensionProviders each extension provider's name and type (the key beside {@code name}:
 *                           {@code lightstep}, {@code opentelemetry}, {@code envoyFileAccessLog}, …), in order
 */
public record MeshSettings(JsonNode config, Map<String, String> extensionProviders) {
    /** No MeshConfig in the input. */
    public static final MeshSettings DEFAULT = new MeshSettings(MissingNode.getInstance(), Map.of());

    /** Top-level MeshConfig fields, one of which a kind-less document must have to be read as a MeshConfig. */
    private static final Set<String> MESH_FIELDS = Set.of("extensionProviders", "defaultProviders", "defaultConfig",
            "accessLogFile", "accessLogEncoding", "enableTracing", "outboundTrafficPolicy", "trustDomain", "rootNamespace",
            "ingressClass", "ingressControllerMode", "ingressService", "enableAutoMtls", "localityLbSetting",
            "serviceSettings", "meshMTLS", "discoverySelectors", "defaultServiceExportTo", "defaultVirtualServiceExportTo",
            "defaultDestinationRuleExportTo", "outboundClusterStatName", "inboundClusterStatName");

    /** The MeshConfig the input gives, if any. */
    static MeshSettings of(List<YamlDocument> documents) {
        JsonNode fromConfigMap = null;
        for (YamlDocument d : documents) {
            JsonNode tree = d.tree();
            if (isMeshConfig(tree)) {
                return from(tree);
            }
            if (fromConfigMap == null && "ConfigMap".equals(tree.path("kind").asText())
                    && "istio".equals(tree.path("metadata").path("name").asText())) {
                fromConfigMap = parse(tree.path("data").path("mesh").asText(""));
            }
        }
        return fromConfigMap == null ? DEFAULT : from(fromConfigMap);
    }

    /** A plain MeshConfig: a mapping with no Kubernetes identity and at least one MeshConfig field. */
    public static boolean isMeshConfig(JsonNode tree) {
        if (!tree.isObject() || tree.has("kind") || tree.has("apiVersion") || tree.has("metadata")) {
            return false;
        }
        for (var it = tree.fieldNames(); it.hasNext(); ) {
            if (MESH_FIELDS.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    static MeshSettings from(JsonNode config) {
        Map<String, String> providers = new LinkedHashMap<>();
        for (JsonNode p : config.path("extensionProviders")) {
            String name = p.path("name").asText("");
            if (name.isEmpty() || providers.containsKey(name)) {
                continue;
            }
            String type = "";
            for (var it = p.fieldNames(); it.hasNext() && type.isEmpty(); ) {
                String f = it.next();
                type = f.equals("name") ? "" : f;
            }
            providers.put(name, type);
        }
        return new MeshSettings(config, java.util.Collections.unmodifiableMap(providers));
    }

    private static JsonNode parse(String mesh) {
        try {
            List<YamlDocument> docs = YamlReader.read("mesh", mesh);
            return docs.isEmpty() || !docs.get(0).tree().isObject() ? null : docs.get(0).tree();
        } catch (YamlSyntaxError e) {
            return null; // a ConfigMap istiod could not read either: analyse as if there were none
        }
    }

    /** {@code rootNamespace}, else Istio's default istio-system: where policies apply mesh-wide. */
    public String rootNamespace() {
        return config.path("rootNamespace").asText(AnalysisInput.DEFAULT_GATEWAY_NAMESPACE);
    }

    /** A value of {@code defaultConfig.proxyMetadata}, which every proxy gets; "" when not set. */
    public String proxyMetadata(String name) {
        return config.path("defaultConfig").path("proxyMetadata").path(name).asText("");
    }

    /**
     * Whether proxies resolve DNS themselves and allocate addresses to ServiceEntries that have none
     * ({@code ISTIO_META_DNS_CAPTURE} with {@code ISTIO_META_DNS_AUTO_ALLOCATE} or {@code PILOT_ENABLE_IP_AUTOALLOCATE}).
     */
    public boolean autoAllocatesAddresses() {
        return proxyMetadata("ISTIO_META_DNS_CAPTURE").equals("true")
                && (proxyMetadata("ISTIO_META_DNS_AUTO_ALLOCATE").equals("true")
                || proxyMetadata("PILOT_ENABLE_IP_AUTOALLOCATE").equals("true"));
    }

    /** Whether Istio's default ingress gateway is assumed to run: {@code ingressControllerMode} is not OFF. */
    public boolean defaultIngressGateway() {
        return !config.path("ingressControllerMode").asText("").equals("OFF");
    }

    /** {@code defaultProviders.accessLogging}: the access log providers a Telemetry without providers falls back to. */
    public List<String> defaultAccessLogging() {
        return AnalysisInput.texts(config.path("defaultProviders").path("accessLogging"));
    }
}

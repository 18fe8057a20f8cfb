package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.istio.MeshConfig;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MeshConfig analyzers read. In a revision it is the revision's own {@link MeshConfig} (its {@code mesh.yaml}
 * or {@code --mesh-config}); in {@code strait analyze}, as istioctl takes it, a plain MeshConfig document among the
 * files (no {@code kind}, as {@code istioctl analyze --meshConfigFile} and Istio's analyzer test take it), or else
 * the {@code mesh} key of a ConfigMap named {@code istio}, istiod's own source. With neither, Istio's defaults apply.
 *
 * <p>Fields are read by {@link MeshConfig}, with its defaults; this adds the derived settings analyzers ask about.
 *
 * @param config the MeshConfig ({@link MeshConfig#DEFAULT} when the input has none)
 */
public record MeshSettings(MeshConfig config) {
    /** No MeshConfig in the input. */
    public static final MeshSettings DEFAULT = new MeshSettings(MeshConfig.DEFAULT);

    /** Top-level MeshConfig fields, one of which a kind-less document must have to be read as a MeshConfig. */
    private static final Set<String> MESH_FIELDS = Set.of("extensionProviders", "defaultProviders", "defaultConfig",
            "accessLogFile", "accessLogEncoding", "enableTracing", "outboundTrafficPolicy", "trustDomain", "rootNamespace",
            "ingressClass", "ingressControllerMode", "ingressService", "enableAutoMtls", "localityLbSetting",
            "serviceSettings", "meshMTLS", "discoverySelectors", "defaultServiceExportTo", "defaultVirtualServiceExportTo",
            "defaultDestinationRuleExportTo", "outboundClusterStatName", "inboundClusterStatName");

    public MeshSettings {
        config = config == null ? MeshConfig.DEFAULT : config;
    }

    /** The MeshConfig the input gives, if any. */
    static MeshSettings of(List<YamlDocument> documents) {
        JsonNode fromConfigMap = null;
        for (YamlDocument d : documents) {
            JsonNode tree = d.tree();
            if (isMeshConfig(tree)) {
                return new MeshSettings(new MeshConfig(tree));
            }
            if (fromConfigMap == null && "ConfigMap".equals(tree.path("kind").asText())
                    && "istio".equals(tree.path("metadata").path("name").asText())) {
                fromConfigMap = parse(tree.path("data").path("mesh").asText(""));
            }
        }
        return fromConfigMap == null ? DEFAULT : new MeshSettings(new MeshConfig(fromConfigMap));
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

    private static JsonNode parse(String mesh) {
        try {
            List<YamlDocument> docs = YamlReader.read("mesh", mesh);
            return docs.isEmpty() || !docs.get(0).tree().isObject() ? null : docs.get(0).tree();
        } catch (YamlSyntaxError e) {
            return null; // a ConfigMap istiod could not read either: analyse as if there were none
        }
    }

    /** Each extension provider's name and type ({@code lightstep}, {@code opentelemetry}, …), Istio's built-in ones included. */
    public Map<String, String> extensionProviders() {
        Map<String, String> out = new LinkedHashMap<>();
        config.extensionProviders().forEach(p -> out.put(p.name(), p.type()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** {@code rootNamespace}, else Istio's default istio-system: where policies apply mesh-wide. */
    public String rootNamespace() {
        return config.rootNamespace();
    }

    /** A value of {@code defaultConfig.proxyMetadata}, which every proxy gets; "" when not set. */
    public String proxyMetadata(String name) {
        return config.proxyMetadata().getOrDefault(name, "");
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
        return !config.ingressControllerMode().equalsIgnoreCase("OFF");
    }

    /** {@code defaultProviders.accessLogging}: the access log providers a Telemetry without providers falls back to. */
    public List<String> defaultAccessLogging() {
        return config.defaultAccessLogging();
    }
}

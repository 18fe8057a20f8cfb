package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The mesh config analysis reads (Istio's {@code MeshConfig}), with Istio's defaults for what it does not set. It
 * comes with the input as a document of its own — a {@code mesh.yaml}, which has no {@code kind}, as Istio's
 * {@code --meshConfigFile} — or as the {@code mesh} key of the {@code istio} ConfigMap in istio-system, where
 * istiod reads it.
 */
public final class MeshConfig {
    /** Istio's default root namespace (and the namespace istiod and its default ingress gateway run in). */
    static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

    /**
     * Top-level fields of MeshConfig: a document without a kind is taken as mesh config only when it sets one of
     * these, so that an unrelated kindless YAML file (Helm values, say) is not read as one.
     */
    private static final Set<String> FIELDS = Set.of("connectTimeout", "hboneIdleTimeout", "protocolDetectionTimeout",
            "ingressClass", "ingressService", "ingressControllerMode", "ingressSelector", "enableTracing",
            "accessLogFile", "accessLogFormat", "accessLogEncoding", "enableEnvoyAccessLogService",
            "disableEnvoyListenerLog", "defaultConfig", "outboundTrafficPolicy", "inboundTrafficPolicy",
            "configSources", "enableAutoMtls", "trustDomain", "trustDomainAliases", "caCertificates",
            "defaultServiceExportTo", "defaultVirtualServiceExportTo", "defaultDestinationRuleExportTo",
            "rootNamespace", "dnsRefreshRate", "inboundClusterStatName", "outboundClusterStatName", "certificates",
            "serviceSettings", "serviceScopeConfigs", "enablePrometheusMerge", "verifyCertificateAtClient", "ca",
            "extensionProviders", "defaultProviders", "discoverySelectors", "pathNormalization", "meshMTLS",
            "tlsDefaults", "defaultTrafficPolicy", "serviceEntryVisibility", "localityLbSetting", "tcpKeepalive",
            "h2UpgradePolicy", "meshNetworks");

    private final JsonNode tree;

    MeshConfig(JsonNode tree) {
        this.tree = tree == null ? MissingNode.getInstance() : tree;
    }

    /** True for a kindless document that sets a MeshConfig field: a mesh config file. */
    public static boolean isMeshConfig(JsonNode doc) {
        if (doc == null || !doc.isObject() || doc.has("kind") || doc.has("apiVersion")) {
            return false;
        }
        for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
            if (FIELDS.contains(names.next())) {
                return true;
            }
        }
        return false;
    }

    /** The mesh config of Istio's {@code istio} ConfigMap in istio-system, or the defaults without one. */
    static MeshConfig fromConfigMaps(List<AnalysisInput.Doc> configMaps) {
        for (AnalysisInput.Doc cm : configMaps) {
            if (cm.name().equals("istio") && cm.namespace().equals(DEFAULT_ROOT_NAMESPACE)) {
                String mesh = cm.document().tree().path("data").path("mesh").asText("");
                try {
                    List<YamlDocument> docs = YamlReader.read(cm.document().file(), mesh);
                    if (!docs.isEmpty() && docs.get(0).tree().isObject()) {
                        return new MeshConfig(docs.get(0).tree());
                    }
                } catch (YamlSyntaxError | RuntimeException e) {
                    // not YAML: validation reports the ConfigMap; analysis goes on with the defaults
                }
            }
        }
        return new MeshConfig(null);
    }

    /** {@code rootNamespace}: where mesh-wide policies live. */
    public String rootNamespace() {
        return tree.path("rootNamespace").asText(DEFAULT_ROOT_NAMESPACE);
    }

    /** A proxy metadata value of {@code defaultConfig.proxyMetadata} every proxy gets, or "" when not set. */
    public String proxyMetadata(String name) {
        return tree.path("defaultConfig").path("proxyMetadata").path(name).asText("");
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

    /** Whether Istio's default ingress gateway is assumed to run ({@code ingressControllerMode} other than OFF). */
    public boolean defaultIngressGateway() {
        return !tree.path("ingressControllerMode").asText("").equals("OFF");
    }
}

package io.strait.model.istio;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Istio kinds Strait reads. Their groups, served versions and fields are in the schema
 * ({@code strait/istio-schema.yaml}); here each kind names the record its spec binds to: a typed record for the
 * kinds the translator reads, {@link GenericSpec} for the others.
 */
public enum Kind {
    VIRTUAL_SERVICE("VirtualService", VirtualService.class),
    DESTINATION_RULE("DestinationRule", DestinationRule.class),
    SERVICE_ENTRY("ServiceEntry", ServiceEntry.class),
    GATEWAY("Gateway", Gateway.class),
    SIDECAR("Sidecar", Sidecar.class),
    WORKLOAD_ENTRY("WorkloadEntry", WorkloadEntry.class),
    WORKLOAD_GROUP("WorkloadGroup", GenericSpec.class),
    ENVOY_FILTER("EnvoyFilter", GenericSpec.class),
    PROXY_CONFIG("ProxyConfig", GenericSpec.class),
    PEER_AUTHENTICATION("PeerAuthentication", PeerAuthentication.class),
    AUTHORIZATION_POLICY("AuthorizationPolicy", AuthorizationPolicy.class),
    REQUEST_AUTHENTICATION("RequestAuthentication", RequestAuthentication.class),
    TELEMETRY("Telemetry", GenericSpec.class),
    WASM_PLUGIN("WasmPlugin", GenericSpec.class),
    /** The mesh's settings: a kind-less document ({@code mesh.yaml}), one per revision, with no namespace. */
    MESH_CONFIG(MeshConfig.KIND, MeshConfig.class, true);

    private final String kindName;
    private final Class<? extends Spec> specType;
    private final boolean clusterScoped;

    Kind(String kindName, Class<? extends Spec> specType) {
        this(kindName, specType, false);
    }

    Kind(String kindName, Class<? extends Spec> specType, boolean clusterScoped) {
        this.kindName = kindName;
        this.specType = specType;
        this.clusterScoped = clusterScoped;
    }

    /** True for a kind without a namespace: its key's namespace is empty. */
    public boolean isClusterScoped() {
        return clusterScoped;
    }

    public String kindName() {
        return kindName;
    }

    public Class<? extends Spec> specType() {
        return specType;
    }

    /** True when the translator reads this kind (its spec is a typed record). */
    public boolean isTranslated() {
        return specType != GenericSpec.class;
    }

    public static Optional<Kind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.kindName.equals(name)).findFirst();
    }
}

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
    PEER_AUTHENTICATION("PeerAuthentication", GenericSpec.class),
    AUTHORIZATION_POLICY("AuthorizationPolicy", GenericSpec.class),
    REQUEST_AUTHENTICATION("RequestAuthentication", GenericSpec.class),
    TELEMETRY("Telemetry", GenericSpec.class),
    WASM_PLUGIN("WasmPlugin", GenericSpec.class);

    private final String kindName;
    private final Class<? extends Spec> specType;

    Kind(String kindName, Class<? extends Spec> specType) {
        this.kindName = kindName;
        this.specType = specType;
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

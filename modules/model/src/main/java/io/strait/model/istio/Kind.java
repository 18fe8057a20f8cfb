package io.strait.model.istio;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** The Istio kinds Strait reads, with the API groups and versions each is served under. */
public enum Kind {
    VIRTUAL_SERVICE("VirtualService", "networking.istio.io", VirtualService.class),
    DESTINATION_RULE("DestinationRule", "networking.istio.io", DestinationRule.class),
    SERVICE_ENTRY("ServiceEntry", "networking.istio.io", ServiceEntry.class);

    /** Versions served for {@code networking.istio.io}, oldest first; all share one schema. */
    public static final Set<String> NETWORKING_VERSIONS = Set.of("v1alpha3", "v1beta1", "v1");

    private final String kindName;
    private final String group;
    private final Class<? extends Spec> specType;

    Kind(String kindName, String group, Class<? extends Spec> specType) {
        this.kindName = kindName;
        this.group = group;
        this.specType = specType;
    }

    public String kindName() {
        return kindName;
    }

    public String group() {
        return group;
    }

    public Class<? extends Spec> specType() {
        return specType;
    }

    public static Optional<Kind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.kindName.equals(name)).findFirst();
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Kind;
import io.strait.model.istio.MeshConfigBinder;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that can be said of one document alone: the schema (in {@link ResourceBinder}) and the field rules
 * of its kind that a schema cannot state. What {@code strait validate} and Istio's validating webhook check.
 */
public final class DocumentValidator {
    private final Map<Kind, ResourceValidator> byKind = new EnumMap<>(Kind.class);

    public DocumentValidator() {
        byKind.put(Kind.VIRTUAL_SERVICE, new VirtualServiceValidator());
        byKind.put(Kind.DESTINATION_RULE, new DestinationRuleValidator());
        byKind.put(Kind.SERVICE_ENTRY, new ServiceEntryValidator());
        byKind.put(Kind.SIDECAR, new SidecarValidator());
        byKind.put(Kind.GATEWAY, new GatewayValidator());
        byKind.put(Kind.MESH_CONFIG, new MeshConfigValidator());
        SecurityValidators.register(byKind);
        WorkloadValidators.register(byKind);
        // the Envoy type registry is the process's, built when the first EnvoyFilter patch value is checked
        ExtensionValidators.register(byKind, EnvoyTypes::shared);
    }

    /** The field rules of a bound resource's kind. */
    public void validate(LoadedResource resource, Findings findings) {
        MetadataRules.check(new Report(resource, findings));
        ResourceValidator v = byKind.get(resource.resource().kind());
        if (v != null) {
            v.validate(resource, findings);
        }
    }

    /** Binds and validates one document; all findings, warnings included. */
    public List<Finding> check(YamlDocument doc) {
        return check(doc, false);
    }

    /**
     * Binds and validates one document of a file, a kind-less one of a mesh file ({@code mesh.yaml} at a root, or
     * {@code --mesh-config}) as the MeshConfig; all findings, warnings included.
     */
    public List<Finding> check(YamlDocument doc, boolean meshFile) {
        ResourceBinder.Bound bound = meshFile && MeshConfigBinder.isKindless(doc) ? MeshConfigBinder.bind(doc) : ResourceBinder.bind(doc);
        List<Finding> out = new ArrayList<>(bound.findings());
        bound.resource().ifPresent(r -> {
            Findings f = new Findings();
            validate(new LoadedResource(r, doc), f);
            out.addAll(f.all());
        });
        return out;
    }
}

package io.strait.ingest.analyze;

import io.strait.model.finding.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Every analyzer Strait runs, and the entry point that runs them over an input. */
public final class Analyzers {
    private static final List<Analyzer> ALL = List.of(
            new DestinationHostAnalyzer(),
            new DestinationRuleAnalyzer(),
            new UnreachableRulesAnalyzer(),
            new MeshHostConflictAnalyzer(),
            new VirtualServiceGatewayAnalyzer(),
            new JwtClaimRouteAnalyzer(),
            new GatewayAnalyzers.Secrets(),
            new GatewayAnalyzers.Ports(),
            new GatewayAnalyzers.Conflicts(),
            new GatewayAnalyzers.DuplicateCertificates(),
            new SidecarSelectorAnalyzer(),
            new CaCertificateAnalyzer(),
            new SubsetSelectsPodsAnalyzer(),
            new ServiceEntryAnalyzers.AddressesRequired(),
            new ServiceEntryAnalyzers.ProtocolConflicts(),
            new AuthorizationPoliciesAnalyzer(),
            new PortNameAnalyzer(),
            new ServiceAssociationAnalyzer(),
            new ApplicationUidAnalyzer(),
            new AnnotationAnalyzers.Known(),
            new AnnotationAnalyzers.Alpha(),
            new DeprecatedFieldAnalyzer(),
            new EnvoyPatchAnalyzer(),
            new TelemetryAnalyzers.Providers(),
            new TelemetryAnalyzers.Selectors(),
            new TelemetryAnalyzers.DefaultSelectors(),
            new TelemetryAnalyzers.Lightstep(),
            new GatewayApiSelectorAnalyzer());
    /** Analyzers istioctl leaves out of a plain {@code istioctl analyze} (too noisy); run only when named. */
    private static final Set<String> OFF_BY_DEFAULT = Set.of("annotations.AlphaAnalyzer");
    private static final List<Analyzer> DEFAULTS = ALL.stream().filter(a -> !OFF_BY_DEFAULT.contains(a.name())).toList();

    private Analyzers() {
    }

    /** Every analyzer Strait has, those off by default included (for running analyzers by name). */
    public static List<Analyzer> all() {
        return ALL;
    }

    /** The analyzers {@code strait analyze} and ingest run: all but those istioctl runs only when asked. */
    public static List<Analyzer> defaults() {
        return DEFAULTS;
    }

    /** The findings of the given analyzers over the input, at Istio's levels. */
    public static List<Finding> run(AnalysisInput input, List<Analyzer> analyzers) {
        return run(input, analyzers, RegistryLevels.AS_ISTIO);
    }

    /** The findings of the given analyzers over the input, registry-dependent ones leveled as asked. */
    public static List<Finding> run(AnalysisInput input, List<Analyzer> analyzers, RegistryLevels registryLevels) {
        Messages out = new Messages(registryLevels);
        for (Analyzer a : analyzers) {
            a.analyze(input, out);
        }
        return new ArrayList<>(out.all());
    }
}

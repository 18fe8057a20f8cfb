package io.strait.ingest.analyze;

import io.strait.model.finding.Finding;
import java.util.ArrayList;
import java.util.List;

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
            new ApplicationUidAnalyzer());

    private Analyzers() {
    }

    public static List<Analyzer> all() {
        return ALL;
    }

    /** The findings of the given analyzers over the input. */
    public static List<Finding> run(AnalysisInput input, List<Analyzer> analyzers) {
        Messages out = new Messages();
        for (Analyzer a : analyzers) {
            a.analyze(input, out);
        }
        return new ArrayList<>(out.all());
    }
}

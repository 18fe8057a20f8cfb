package io.strait.ingest.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.analyze.Analyzer;
import io.strait.ingest.analyze.Analyzers;
import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code istioctl analyze}'s own cases ({@code ../shared/conformance/istio/analyze/expected.tsv}): analysing the
 * listed files together reports exactly the listed messages of the analyzers that case exercises — the analyzers
 * Istio's test runs for those files — and no others.
 */
class IstioAnalyzeConformanceTest {
    private static final Path DIR = IstioValidationConformanceTest.CORPUS.resolve("analyze");

    /** Which analyzers each input file exercises, by file name prefix (as Istio's analyzer test table pairs them). */
    private static final Map<String, List<String>> ANALYZERS = Map.ofEntries(
            Map.entry("gateway-secrets", List.of("gateway.SecretAnalyzer")),
            Map.entry("gateway-different-port", List.of("gateway.ConflictingGatewayAnalyzer")),
            Map.entry("conflicting-gateways", List.of("gateway.ConflictingGatewayAnalyzer")),
            Map.entry("gateway-", List.of("gateway.IngressGatewayPortAnalyzer")),
            Map.entry("sidecar-selector", List.of("sidecar.SelectorAnalyzer")),
            Map.entry("virtualservice_destinationhosts", List.of("virtualservice.DestinationHostAnalyzer")),
            Map.entry("virtualservice_destinationrules", List.of("virtualservice.DestinationRuleAnalyzer")),
            Map.entry("virtualservice_gateways", List.of("virtualservice.GatewayAnalyzer")),
            Map.entry("virtualservice_jwtclaimroute", List.of("virtualservice.JWTClaimRouteAnalyzer")),
            Map.entry("virtualservice_dupmatches", List.of("virtualservice.UnreachableRulesAnalyzer")),
            Map.entry("destinationrule-subsets-with-topology-labels", List.of("destinationrule.PodNotSelectedAnalyzer")),
            Map.entry("destinationrule-empty-topology-labels", List.of("destinationrule.PodNotSelectedAnalyzer")),
            Map.entry("destinationrule-", List.of("destinationrule.CaCertificateAnalyzer")),
            Map.entry("serviceentry-address-required", List.of("serviceentry.ProtocolAddressesAnalyzer")),
            Map.entry("serviceentry-", List.of("serviceentry.ConflictingServiceEntryProtocolAnalyzer")));

    @Test
    void everyCaseReportsExactlyTheExpectedMessages() throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> notImplemented = new ArrayList<>();
        int cases = 0;
        int messages = 0;
        for (String row : Files.readAllLines(DIR.resolve("expected.tsv"))) {
            if (row.isBlank() || row.startsWith("#")) {
                continue;
            }
            String[] cols = row.split("\t", -1);
            String name = cols[0];
            List<String> files = List.of(cols[1].split(","));
            List<String> expected = cols.length < 3 || cols[2].isBlank() ? List.of()
                    : List.of(cols[2].split(";")).stream().map(String::trim).toList();
            List<Analyzer> analyzers = analyzersFor(files.get(0));
            if (analyzers.isEmpty()) {
                notImplemented.add(name + " (" + expected.size() + " messages)");
                continue;
            }
            cases++;
            messages += expected.size();
            List<YamlDocument> docs = new ArrayList<>();
            for (String f : files) {
                docs.addAll(YamlReader.read(f, Files.readString(DIR.resolve(f))));
            }
            List<Finding> found = Analyzers.run(new AnalysisInput(docs), analyzers);
            List<String> unmatched = new ArrayList<>(found.stream().map(f -> f.code() + " " + f.resource()).toList());
            List<String> missing = new ArrayList<>();
            for (String e : expected) {
                int i = AnalyzerCasesTest.indexOf(unmatched, e);
                if (i < 0) {
                    missing.add(e);
                } else {
                    unmatched.remove(i);
                }
            }
            if (!missing.isEmpty() || !unmatched.isEmpty()) {
                failures.add(name + ": missing " + missing + ", unexpected " + unmatched);
            }
        }
        System.out.printf("istioctl analyze corpus: %d cases with %d expected messages checked; %d disagreements; "
                + "not implemented yet: %s%n", cases, messages, failures.size(), notImplemented);
        failures.forEach(f -> System.out.println("  " + f));
        assertThat(failures).isEmpty();
    }

    private static List<Analyzer> analyzersFor(String file) {
        List<String> names = ANALYZERS.entrySet().stream()
                .filter(e -> file.startsWith(e.getKey()))
                .max(java.util.Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue).orElse(List.of());
        return Analyzers.all().stream().filter(a -> names.contains(a.name())).toList();
    }
}

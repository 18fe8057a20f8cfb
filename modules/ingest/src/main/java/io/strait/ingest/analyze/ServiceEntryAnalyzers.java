package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The ServiceEntry analyzers: addresses for TCP ports, protocol conflicts on one host and port. */
final class ServiceEntryAnalyzers {
    private ServiceEntryAnalyzers() {
    }

    /** IST0134: a ServiceEntry with TCP (or unnamed-protocol) ports gives addresses: TCP is routed by address. */
    static final class AddressesRequired implements Analyzer {
        @Override
        public String name() {
            return "serviceentry.ProtocolAddressesAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            for (AnalysisInput.Doc se : in.all("ServiceEntry")) {
                if (!se.spec().path("addresses").isEmpty()) {
                    continue;
                }
                JsonNode ports = se.spec().path("ports");
                for (int i = 0; i < ports.size(); i++) {
                    String protocol = ports.path(i).path("protocol").asText("").toUpperCase(Locale.ROOT);
                    if (protocol.isEmpty() || protocol.equals("TCP")) {
                        out.warning("IST0134", se, "spec.ports[" + i + "].protocol", "ServiceEntry addresses are required for "
                                + "this protocol (" + (protocol.isEmpty() ? "unset" : protocol) + "): TCP traffic is matched by address");
                        break;
                    }
                }
            }
        }
    }

    /** IST0177: ServiceEntries visible in a common namespace declare one host and port with different protocols. */
    static final class ProtocolConflicts implements Analyzer {
        @Override
        public String name() {
            return "serviceentry.ConflictingProtocolAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> entries = in.all("ServiceEntry");
            // only entries that share a host can conflict: pair those, not every entry with every other
            java.util.Map<String, List<Integer>> byHost = new java.util.HashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                for (String h : new java.util.LinkedHashSet<>(AnalysisInput.texts(entries.get(i).spec().path("hosts")))) {
                    byHost.computeIfAbsent(h, k -> new java.util.ArrayList<>()).add(i);
                }
            }
            java.util.SortedSet<Integer> conflictingIndexes = new java.util.TreeSet<>();
            Set<String> checked = new java.util.HashSet<>();
            for (List<Integer> sharing : byHost.values()) {
                for (int x = 0; x < sharing.size(); x++) {
                    for (int y = x + 1; y < sharing.size(); y++) {
                        int a = sharing.get(x);
                        int b = sharing.get(y);
                        if (checked.add(a + ":" + b) && conflict(entries.get(a), entries.get(b))) {
                            conflictingIndexes.add(a);
                            conflictingIndexes.add(b);
                        }
                    }
                }
            }
            Set<AnalysisInput.Doc> conflicting = new LinkedHashSet<>();
            conflictingIndexes.forEach(i -> conflicting.add(entries.get(i)));
            for (AnalysisInput.Doc se : conflicting) {
                out.error("IST0177", se, "spec.ports", "ServiceEntry " + se.namespace() + "/" + se.name()
                        + " declares a host and port that another ServiceEntry declares with a different protocol");
            }
        }

        private static boolean conflict(AnalysisInput.Doc a, AnalysisInput.Doc b) {
            if (!shareViewers(a, b)) {
                return false;
            }
            Set<String> hostsB = new HashSet<>(AnalysisInput.texts(b.spec().path("hosts")));
            for (String h : AnalysisInput.texts(a.spec().path("hosts"))) {
                if (!hostsB.contains(h)) {
                    continue;
                }
                for (JsonNode pa : a.spec().path("ports")) {
                    for (JsonNode pb : b.spec().path("ports")) {
                        if (pa.path("number").asInt() == pb.path("number").asInt()
                                && !pa.path("protocol").asText("").equalsIgnoreCase(pb.path("protocol").asText(""))) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private static boolean shareViewers(AnalysisInput.Doc a, AnalysisInput.Doc b) {
            List<String> ea = AnalysisInput.texts(a.spec().path("exportTo"));
            List<String> eb = AnalysisInput.texts(b.spec().path("exportTo"));
            // a namespace that sees both: either one's own namespace, or one named by both
            for (String viewer : List.of(a.namespace(), b.namespace())) {
                if (AnalysisInput.visible(ea, a.namespace(), viewer) && AnalysisInput.visible(eb, b.namespace(), viewer)) {
                    return true;
                }
            }
            return ea.stream().anyMatch(n -> !n.equals(".") && AnalysisInput.visible(eb, b.namespace(), n.equals("*") ? b.namespace() : n));
        }
    }
}

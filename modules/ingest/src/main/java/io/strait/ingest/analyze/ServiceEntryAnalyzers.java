package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The ServiceEntry analyzers: addresses for TCP ports, protocol conflicts on one host and port. */
final class ServiceEntryAnalyzers {
    private ServiceEntryAnalyzers() {
    }

    /**
     * Istio's {@code serviceentry.ProtocolAddressesAnalyzer}. IST0134, once per port: a ServiceEntry with a TCP (or
     * unnamed-protocol) port gives addresses, as TCP is matched by address — unless it has addresses allocated
     * already ({@code status.addresses}), or the mesh config has proxies capture DNS and allocate addresses
     * themselves.
     */
    static final class AddressesRequired implements Analyzer {
        @Override
        public String name() {
            return "serviceentry.ProtocolAddressesAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            List<AnalysisInput.Doc> entries = in.all("ServiceEntry");
            if (entries.isEmpty() || in.mesh().autoAllocatesAddresses()) {
                return;
            }
            for (AnalysisInput.Doc se : entries) {
                if (!se.spec().path("addresses").isEmpty() || !se.document().tree().path("status").path("addresses").isEmpty()) {
                    continue;
                }
                JsonNode ports = se.spec().path("ports");
                for (int i = 0; i < ports.size(); i++) {
                    String protocol = ports.path(i).path("protocol").asText("");
                    if (protocol.isEmpty() || protocol.equalsIgnoreCase("TCP")) {
                        out.warning("IST0134", se, "spec.ports[" + i + "].name", "ServiceEntry addresses are required for this protocol.");
                    }
                }
            }
        }
    }

    /**
     * Istio's {@code serviceentry.ConflictingServiceEntryProtocolAnalyzer}. IST0177: ServiceEntries that some
     * namespace sees together (by exportTo: one namespace, or all) declare one host and port with different
     * protocols; each entry is reported once, for the first conflict it is part of.
     */
    static final class ProtocolConflicts implements Analyzer {
        private static final String ALL = "*";

        /** A host and port as seen in one namespace ({@code *}: in every namespace). */
        private record Key(String scope, String host, int port) {
        }

        private record Declaration(String protocol, AnalysisInput.Doc entry) {
        }

        @Override
        public String name() {
            return "serviceentry.ConflictingServiceEntryProtocolAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Map<Key, List<Declaration>> index = new LinkedHashMap<>();
            for (AnalysisInput.Doc se : in.all("ServiceEntry")) {
                for (String scope : scopes(se)) {
                    for (String host : AnalysisInput.texts(se.spec().path("hosts"))) {
                        for (JsonNode p : se.spec().path("ports")) {
                            index.computeIfAbsent(new Key(scope, host, p.path("number").asInt()), k -> new ArrayList<>())
                                    .add(new Declaration(p.path("protocol").asText(""), se));
                        }
                    }
                }
            }
            Set<AnalysisInput.Doc> reported = Collections.newSetFromMap(new IdentityHashMap<>());
            index.forEach((key, declared) -> {
                List<Declaration> seen = new ArrayList<>(declared);
                if (!key.scope().equals(ALL)) {
                    // what is exported everywhere is seen in this namespace too
                    seen.addAll(index.getOrDefault(new Key(ALL, key.host(), key.port()), List.of()));
                }
                Set<String> protocols = new TreeSet<>();
                seen.forEach(d -> protocols.add(d.protocol().toUpperCase(Locale.ROOT)));
                if (protocols.size() < 2) {
                    return;
                }
                Set<String> names = new TreeSet<>();
                seen.forEach(d -> names.add(d.entry().namespace() + "/" + d.entry().name()));
                for (Declaration d : seen) {
                    AnalysisInput.Doc se = d.entry();
                    if (reported.add(se)) {
                        out.warning("IST0177", se, "metadata.name", "Multiple ServiceEntries (" + String.join(", ", names)
                                + ") define the same host " + GoText.quote(key.host()) + " and port " + key.port()
                                + " with conflicting protocols (" + String.join(", ", protocols) + ").");
                    }
                }
            });
        }

        /** The namespaces that see an entry: {@code *} for all, else those its exportTo names. */
        private static Set<String> scopes(AnalysisInput.Doc se) {
            List<String> exportTo = AnalysisInput.texts(se.spec().path("exportTo"));
            if (exportTo.isEmpty() || exportTo.contains(ALL)) {
                return Set.of(ALL);
            }
            Set<String> out = new LinkedHashSet<>();
            exportTo.forEach(ns -> out.add(ns.equals(".") ? se.namespace() : ns));
            return out;
        }
    }
}

package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The analyzers of Istio annotations on the Kubernetes objects of the registry (Namespaces, Services, Pods,
 * Deployments): each {@code *.istio.io} annotation is one Istio knows, on a kind it belongs on, with a value the
 * injector accepts; and, off by default as in istioctl, which of them are alpha.
 */
final class AnnotationAnalyzers {
    /** The kinds Istio checks annotations on. */
    private static final List<String> KINDS = List.of("Namespace", "Service", "Pod", "Deployment");

    private AnnotationAnalyzers() {
    }

    /** The metadata annotations of a document, in the order written (a Deployment's template is not looked at). */
    private static List<Map.Entry<String, String>> annotations(AnalysisInput.Doc doc) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        JsonNode node = doc.metadata().path("annotations");
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> out.add(Map.entry(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText())));
        }
        return out;
    }

    private static String path(String annotation) {
        return "metadata.annotations." + annotation;
    }

    /**
     * IST0108 unknown Istio annotation, IST0135 deprecated annotation, IST0107 annotation on a kind it does not apply
     * to, IST0125 value the injector rejects.
     */
    static final class Known implements Analyzer {
        @Override
        public String name() {
            return "annotations.K8sAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            for (String kind : KINDS) {
                for (AnalysisInput.Doc doc : in.all(kind)) {
                    for (Map.Entry<String, String> a : annotations(doc)) {
                        check(doc, a.getKey(), a.getValue(), out);
                    }
                }
            }
        }

        private static void check(AnalysisInput.Doc doc, String name, String value, Messages out) {
            if (!IstioAnnotations.isIstio(name) || IstioAnnotations.ALWAYS_IGNORED.contains(name)) {
                return;
            }
            var known = IstioAnnotations.lookup(name);
            if (known.isEmpty()) {
                out.warning("IST0108", doc, path(name), "Unknown annotation: " + name);
                return;
            }
            IstioAnnotations.Annotation def = known.get();
            // Someone who also set the sidecar.istio.io/inject label knows the annotation is deprecated and keeps
            // both on purpose; Istio stays quiet then
            boolean replacedByLabel = name.equals("sidecar.istio.io/inject") && doc.labels().containsKey(name);
            if (def.deprecated() && !replacedByLabel) {
                String extra = name.equals("sidecar.istio.io/inject") ? " in favor of the \"sidecar.istio.io/inject\" label" : "";
                out.info("IST0135", doc, path(name),
                        "Annotation \"" + name + "\" has been deprecated" + extra + " and may not work in future Istio versions.");
            }
            if (def.anyKind()) {
                return;
            }
            if (!def.resources().contains(doc.kind())) {
                out.warning("IST0107", doc, path(name), "Misplaced annotation: " + name + " can only be applied to "
                        + String.join(", ", def.resources()));
                return;
            }
            IstioAnnotations.problem(name, value).ifPresent(problem ->
                    out.warning("IST0125", doc, path(name), "Invalid annotation " + name + ": " + problem));
        }
    }

    /**
     * IST0136: an annotation of an alpha-phase feature. Not among the analyzers run by default (as in istioctl, it is
     * noisy: the injector and the CNI set several of them).
     */
    static final class Alpha implements Analyzer {
        /** Set by default on every pod when the CNI plugin (not the istio-init container) redirects traffic. */
        private static final Set<String> SET_WITH_CNI = Set.of("sidecar.istio.io/interceptionMode",
                "traffic.sidecar.istio.io/includeInboundPorts", "traffic.sidecar.istio.io/excludeInboundPorts",
                "traffic.sidecar.istio.io/includeOutboundIPRanges");

        @Override
        public String name() {
            return "annotations.AlphaAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            for (String kind : KINDS) {
                for (AnalysisInput.Doc doc : in.all(kind)) {
                    boolean cni = kind.equals("Pod") && !hasIstioInit(doc);
                    for (Map.Entry<String, String> a : annotations(doc)) {
                        String name = a.getKey();
                        if (!IstioAnnotations.isIstio(name) || IstioAnnotations.ALWAYS_IGNORED.contains(name)
                                || cni && SET_WITH_CNI.contains(name)) {
                            continue;
                        }
                        IstioAnnotations.lookup(name).filter(IstioAnnotations.Annotation::alpha).ifPresent(def ->
                                out.info("IST0136", doc, path(name), "Annotation \""
                                        + name + "\" is part of an alpha-phase feature and may be incompletely supported."));
                    }
                }
            }
        }

        private static boolean hasIstioInit(AnalysisInput.Doc pod) {
            for (JsonNode c : pod.spec().path("initContainers")) {
                if ("istio-init".equals(c.path("name").asText())) {
                    return true;
                }
            }
            return false;
        }
    }
}

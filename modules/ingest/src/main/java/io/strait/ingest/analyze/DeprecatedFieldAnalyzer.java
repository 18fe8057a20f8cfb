package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * IST0002: fields of Istio kinds that are deprecated or no longer do anything — a VirtualService fault delay given
 * as the integer {@code percent} (replaced by {@code percentage}), a Sidecar's {@code outboundTrafficPolicy.egressProxy}
 * (ignored). Istio's analyzer also reports removed {@code rbac.istio.io} CustomResourceDefinitions; CRDs are the
 * cluster's installation, which Strait does not read, so that part is left out.
 */
final class DeprecatedFieldAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "deprecation.DeprecationAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            JsonNode http = vs.spec().path("http");
            for (int i = 0; http.isArray() && i < http.size(); i++) {
                JsonNode percent = http.path(i).path("fault").path("delay").path("percent");
                if (percent.isValueNode() && percent.asDouble() > 0) {
                    out.warning("IST0002", vs, "spec.http[" + i + "].fault.delay.percent",
                            "Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage");
                    break; // one message per VirtualService, as Istio's (they are alike and Istio merges them)
                }
            }
        }
        for (AnalysisInput.Doc sc : in.all("Sidecar")) {
            JsonNode proxy = sc.spec().path("outboundTrafficPolicy").path("egressProxy");
            if (!proxy.isMissingNode() && !proxy.isNull()) {
                out.warning("IST0002", sc, "spec.outboundTrafficPolicy.egressProxy",
                        "Deprecated: OutboundTrafficPolicy.EgressProxy ignored");
            }
        }
    }
}

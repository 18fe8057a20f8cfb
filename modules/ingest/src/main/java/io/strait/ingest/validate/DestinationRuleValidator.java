package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.DestinationRule;
import java.util.HashSet;
import java.util.Set;

/** DestinationRule fields: host and uniquely named subsets. */
public final class DestinationRuleValidator implements ResourceValidator {

    /** Where proxyless gRPC clients, which support fewer policies, get a substitute: say so. */
    private static void policyNotes(LoadedResource r, Findings f, String path, DestinationRule.TrafficPolicy tp) {
        if (tp == null || tp.loadBalancer() == null) {
            return;
        }
        DestinationRule.LoadBalancer lb = tp.loadBalancer();
        String lbPath = path + ".loadBalancer";
        if ("RANDOM".equals(lb.simple()) || "PASSTHROUGH".equals(lb.simple())) {
            f.warning(r, "STR0006", lbPath + ".simple", "proxyless gRPC clients do not support " + lb.simple() + "; they use ROUND_ROBIN");
        }
        DestinationRule.ConsistentHash hash = lb.consistentHash();
        if (hash != null && hash.maglev() != null) {
            f.warning(r, "STR0006", lbPath + ".consistentHash.maglev", "proxyless gRPC clients do not support Maglev; they use a ring hash");
        }
        if (hash != null && hash.httpHeaderName() == null) {
            f.warning(r, "STR0006", lbPath + ".consistentHash", "proxyless gRPC clients hash on a header only (httpHeaderName); "
                    + "with cookies, source IP or query parameters they hash on their channel");
        }
    }

    @Override
    public void validate(LoadedResource r, Findings f) {
        DestinationRule dr = (DestinationRule) r.resource().spec();
        if (dr.host() == null || dr.host().isBlank()) {
            f.error(r, Findings.SCHEMA, "spec.host", "host is required");
        }
        policyNotes(r, f, "spec.trafficPolicy", dr.trafficPolicy());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dr.subsets().size(); i++) {
            String path = "spec.subsets[" + i + "]";
            DestinationRule.Subset s = dr.subsets().get(i);
            if (s == null || s.name() == null || s.name().isBlank()) {
                f.error(r, Findings.SCHEMA, path + ".name", "subset name is required");
            } else if (!names.add(s.name())) {
                f.error(r, Findings.SCHEMA, path + ".name", "duplicate subset name \"" + s.name() + "\"");
            }
            if (s != null) {
                policyNotes(r, f, path + ".trafficPolicy", s.trafficPolicy());
                s.labels().forEach((k, v) -> {
                    if (v == null) {
                        f.error(r, Findings.SCHEMA, path + ".labels." + k, "label value must be a string");
                    }
                });
            }
        }
    }
}

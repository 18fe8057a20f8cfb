package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.DestinationRule;
import java.util.HashSet;
import java.util.Set;

/** DestinationRule fields: host and uniquely named subsets, and Istio's rules of policies ({@link TrafficPolicyRules}). */
public final class DestinationRuleValidator implements ResourceValidator {

    /** Where proxyless gRPC clients, which support fewer policies, get a substitute: say so. */
    private static void policyNotes(LoadedResource r, Findings f, String path, DestinationRule.TrafficPolicy tp) {
        if (tp == null) {
            return;
        }
        outlierDetection(r, f, path + ".outlierDetection", tp.outlierDetection());
        tls(r, f, path + ".tls", tp.tls());
        for (int i = 0; i < tp.portLevelSettings().size(); i++) {
            DestinationRule.PortTrafficPolicy p = tp.portLevelSettings().get(i);
            if (p != null) {
                outlierDetection(r, f, path + ".portLevelSettings[" + i + "].outlierDetection", p.outlierDetection());
                tls(r, f, path + ".portLevelSettings[" + i + "].tls", p.tls());
                loadBalancer(r, f, path + ".portLevelSettings[" + i + "].loadBalancer", p.loadBalancer());
            }
        }
        loadBalancer(r, f, path + ".loadBalancer", tp.loadBalancer());
    }

    /** What proxyless gRPC makes of a load balancer (a rule's, a subset's or a port's). */
    private static void loadBalancer(LoadedResource r, Findings f, String lbPath, DestinationRule.LoadBalancer lb) {
        if (lb == null) {
            return;
        }
        if ("RANDOM".equals(lb.simple()) || "PASSTHROUGH".equals(lb.simple())) {
            f.warning(r, "STR0006", lbPath + ".simple", "proxyless gRPC clients do not support " + lb.simple() + "; they use ROUND_ROBIN");
        }
        DestinationRule.ConsistentHash hash = lb.consistentHash();
        if (hash != null && hash.maglev() != null) {
            f.warning(r, "STR0006", lbPath + ".consistentHash.maglev", "proxyless gRPC clients do not support Maglev; they use a ring hash");
        }
        if (lb.warmup() != null || lb.warmupDurationSecs() != null) {
            f.warning(r, "STR0006", lbPath + (lb.warmup() != null ? ".warmup" : ".warmupDurationSecs"),
                    "proxyless gRPC clients have no slow start; Envoy proxies warm new endpoints up");
        }
        // gRPC (gRFC A42) hashes on a header or its channel; a call nothing hashes gets a random hash
        if (hash != null && hash.httpHeaderName() == null && Boolean.TRUE.equals(hash.useSourceIp())) {
            f.warning(r, "STR0006", lbPath + ".consistentHash.useSourceIp", "proxyless gRPC clients hash on their channel "
                    + "instead of the source IP: each client channel keeps to one endpoint");
        } else if (hash != null && hash.httpHeaderName() == null && (hash.httpCookie() != null || hash.httpQueryParameterName() != null)) {
            f.warning(r, "STR0006", lbPath + ".consistentHash", "proxyless gRPC clients hash on a header (httpHeaderName) or, "
                    + "for useSourceIp, their channel; with a cookie or a query parameter they have no hash key and spread "
                    + "calls at random over the ring");
        }
    }

    /** Client TLS: MUTUAL needs a certificate; what is not applied, and where, is said. */
    private static void tls(LoadedResource r, Findings f, String path, DestinationRule.ClientTls tls) {
        if (tls == null || tls.mode() == null) {
            return;
        }
        if ("ISTIO_MUTUAL".equals(tls.mode())) {
            // applied for both proxy kinds; what a client needs to hold its certificate is said once, here
            f.warning(r, "STR0006", path + ".mode", "ISTIO_MUTUAL: clients present their mesh certificate and accept only "
                    + "the destination workloads' SPIFFE identities — Envoy takes it by SDS from its agent (sds-grpc), "
                    + "a proxyless gRPC client from the certificate provider \"default\" of its bootstrap (strait agent "
                    + "writes one); a gRPC client whose bootstrap lacks it fails its calls");
            return;
        }
        if ("MUTUAL".equals(tls.mode()) && tls.credentialName() == null
                && (tls.clientCertificate() == null || tls.privateKey() == null)) {
            f.error(r, Findings.SCHEMA, path, "MUTUAL TLS needs a client certificate: set clientCertificate and "
                    + "privateKey, or credentialName");
        }
        if (!"DISABLE".equals(tls.mode())) {
            f.warning(r, "STR0006", path, "proxyless gRPC clients take TLS settings only from certificate providers "
                    + "in their bootstrap: they connect in plain text; Envoy proxies apply this");
        }
    }

    /** Percentages in range (Envoy would NACK the cluster otherwise), and what gRPC clients make of it. */
    private static void outlierDetection(LoadedResource r, Findings f, String path, DestinationRule.OutlierDetection od) {
        if (od == null) {
            return;
        }
        if (od.maxEjectionPercent() != null && (od.maxEjectionPercent() < 0 || od.maxEjectionPercent() > 100)) {
            f.error(r, Findings.SCHEMA, path + ".maxEjectionPercent", "outlier detection maximum ejection percentage must be in range [0, 100]");
        }
        if (od.minHealthPercent() != null && (od.minHealthPercent() < 0 || od.minHealthPercent() > 100)) {
            f.error(r, Findings.SCHEMA, path + ".minHealthPercent", "outlier detection minimum health percentage must be in range [0, 100]");
        }
        if (od.consecutiveErrors() != null && od.consecutiveErrors() < 0) {
            f.error(r, Findings.SCHEMA, path + ".consecutiveErrors", "outlier detection consecutive errors must be 0 or more");
        }
        f.warning(r, "STR0006", path, "proxyless gRPC clients eject by failure percentage only: they eject an endpoint "
                + "whose calls all fail (at least consecutive5xxErrors of them in an interval), not one that fails some "
                + "calls in a row; gateway and local-origin errors apply to Envoy proxies only");
    }

    /** Istio's rules of the whole spec, read from the tree as written: host form, policies, subsets, exportTo, selector. */
    private static void istioRules(Report report, JsonNode spec) {
        String host = FieldForms.text(spec, "host");
        if (!host.isEmpty()) {
            report.errorIf("spec.host", HostForms.wildcardDomain(host));
        }
        TrafficPolicyRules.trafficPolicy(report, "spec.trafficPolicy", spec.get("trafficPolicy"));
        JsonNode subsets = spec.path("subsets");
        for (int i = 0; i < subsets.size(); i++) {
            JsonNode s = subsets.path(i);
            String path = "spec.subsets[" + i + "]";
            String name = FieldForms.text(s, "name");
            if (!name.isEmpty() && !HostForms.isDns1123Label(name)) {
                report.error(path + ".name", "subset name is invalid: " + name);
            }
            LabelForms.labels(report, path + ".labels", s.get("labels"));
            TrafficPolicyRules.trafficPolicy(report, path + ".trafficPolicy", s.get("trafficPolicy"));
        }
        boolean selector = spec.hasNonNull("workloadSelector");
        FieldForms.exportTo(report, spec.get("exportTo"), false, selector);
        LabelForms.selector(report, "spec.workloadSelector", spec.get("workloadSelector"), "matchLabels", "", "", true);
    }

    @Override
    public void validate(LoadedResource r, Findings f) {
        DestinationRule dr = (DestinationRule) r.resource().spec();
        if (dr.host() == null || dr.host().isBlank()) {
            f.error(r, Findings.SCHEMA, "spec.host", "host is required");
        }
        istioRules(new Report(r, f), PolicyRules.spec(r));
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

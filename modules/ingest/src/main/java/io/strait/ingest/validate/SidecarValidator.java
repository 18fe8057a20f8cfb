package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Sidecar;

/**
 * An ingress listener's default endpoint is a loopback or any-address port, or a Unix socket; Istio's other rules
 * (egress hosts {@code namespace/dnsName}, listeners, pools) are {@link SidecarRules}.
 */
public final class SidecarValidator implements ResourceValidator {
    @Override
    public void validate(LoadedResource r, Findings f) {
        Sidecar sc = (Sidecar) r.resource().spec();
        for (int i = 0; i < sc.ingress().size(); i++) {
            Sidecar.IngressListener in = sc.ingress().get(i);
            String endpoint = in == null ? null : in.defaultEndpoint();
            if (endpoint != null && !endpoint.matches("^(127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1\\]|\\[::\\]):\\d{1,5}$")
                    && !endpoint.matches("^unix://.+")) {
                f.error(r, Findings.SCHEMA, "spec.ingress[" + i + "].defaultEndpoint", "defaultEndpoint \"" + endpoint
                        + "\" must be 127.0.0.1:<port>, 0.0.0.0:<port> or unix://<path>");
            }
        }
        // egress hosts (namespace/dnsName), listeners, pools and the outbound policy: Istio's rules
        SidecarRules.check(new Report(r, f), PolicyRules.spec(r));
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Sidecar;

/**
 * Sidecar egress hosts are {@code namespace/dnsName} (namespace {@code *}, {@code .}, {@code ~} or a name); an ingress
 * listener's default endpoint is a loopback or any-address port, or a Unix socket.
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
        for (int i = 0; i < sc.egress().size(); i++) {
            var hosts = sc.egress().get(i).hosts();
            for (int j = 0; j < hosts.size(); j++) {
                String h = hosts.get(j);
                int slash = h == null ? -1 : h.indexOf('/');
                if (slash <= 0 || slash == h.length() - 1) {
                    f.error(r, Findings.SCHEMA, "spec.egress[" + i + "].hosts[" + j + "]", "egress host \"" + h
                            + "\" must have the form namespace/dnsName, e.g. ./* or istio-system/*");
                }
            }
        }
    }
}

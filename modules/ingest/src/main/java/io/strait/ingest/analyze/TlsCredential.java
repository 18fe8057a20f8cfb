package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a Kubernetes Secret holds a certificate a gateway can serve, as Istio's credential reader takes one: the
 * pair {@code cert}/{@code key} or else {@code tls.crt}/{@code tls.key}, both not empty, the certificate's first PEM
 * block being X.509 certificates that are valid now (neither expired nor not yet valid).
 */
final class TlsCredential {
    private TlsCredential() {
    }

    static boolean usable(AnalysisInput.Doc secret, Date now) {
        Map<String, String> data = data(secret.document().tree());
        String cert;
        if (present(data, "cert") && present(data, "key")) {
            cert = data.get("cert");
        } else if (present(data, "tls.crt") && present(data, "tls.key")) {
            cert = data.get("tls.crt");
        } else {
            return false;
        }
        byte[] der = firstPemBlock(cert);
        if (der == null) {
            return false;
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der));
            if (certs.isEmpty()) {
                return false;
            }
            for (Certificate c : certs) {
                X509Certificate x = (X509Certificate) c;
                if (now.after(x.getNotAfter()) || now.before(x.getNotBefore())) {
                    return false;
                }
            }
            return true;
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
    }

    /** The Secret's values: {@code data} decoded from base64 (a value that is not base64 counts as empty), then {@code stringData}. */
    private static Map<String, String> data(JsonNode secret) {
        Map<String, String> out = new HashMap<>();
        secret.path("data").fields().forEachRemaining(e -> {
            try {
                out.put(e.getKey(), new String(Base64.getMimeDecoder().decode(e.getValue().asText("")), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException notBase64) {
                out.put(e.getKey(), "");
            }
        });
        // Kubernetes merges stringData into data when the Secret is written
        secret.path("stringData").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText("")));
        return out;
    }

    private static boolean present(Map<String, String> data, String key) {
        return !data.getOrDefault(key, "").isEmpty();
    }

    /** The bytes of the first PEM block, whatever its type, or null when there is none. */
    private static byte[] firstPemBlock(String text) {
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            return null;
        }
        int bodyStart = text.indexOf('\n', begin);
        int end = bodyStart < 0 ? -1 : text.indexOf("-----END ", bodyStart);
        if (end < 0) {
            return null;
        }
        StringBuilder body = new StringBuilder();
        for (String line : text.substring(bodyStart + 1, end).split("\n")) {
            if (!line.contains(":")) { // PEM headers (Proc-Type: …) are not part of the body
                body.append(line.trim());
            }
        }
        try {
            return Base64.getDecoder().decode(body.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

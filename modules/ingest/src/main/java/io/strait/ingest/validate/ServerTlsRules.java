package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Istio's validateTLSOptions, for Gateway servers and Sidecar ingress listeners: cipher suites, what ISTIO_MUTUAL
 * and the passthrough modes take no certificates, one source of certificates, and CRLs.
 * A terminating server without its certificate is {@link GatewayValidator}'s rule.
 */
final class ServerTlsRules {
    /** Envoy's BoringSSL suites Istio accepts (security.ValidCipherSuites). */
    private static final Set<String> CIPHER_SUITES = Set.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
            "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
            "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA");

    private ServerTlsRules() {
    }

    static void check(Report report, String path, JsonNode tls) {
        if (tls == null || !tls.isObject()) {
            return;
        }
        String mode = tls.path("mode").asText("PASSTHROUGH");
        String min = tls.path("minProtocolVersion").asText("");
        JsonNode suites = tls.path("cipherSuites");
        if ((min.equals("TLSV1_0") || min.equals("TLSV1_1")) && suites.isEmpty()) {
            report.warning(path + ".minProtocolVersion", "TLS version below TLSV1_2 require setting compatible ciphers as by "
                    + "default they no longer include compatible ciphers.");
        }
        Set<String> invalid = new TreeSet<>();
        Set<String> valid = new LinkedHashSet<>();
        Set<String> duplicate = new TreeSet<>();
        for (JsonNode s : suites) {
            String cs = s.asText();
            if (!validCipherSuite(cs)) {
                invalid.add(cs);
            } else if (!valid.add(cs)) {
                duplicate.add(cs);
            }
        }
        if (!invalid.isEmpty()) {
            report.warning(path + ".cipherSuites", "ignoring invalid cipher suites: [" + String.join(" ", invalid) + "]");
        }
        if (!duplicate.isEmpty()) {
            report.warning(path + ".cipherSuites", "ignoring duplicate cipher suites: [" + String.join(" ", duplicate) + "]");
        }
        boolean cert = set(tls, "serverCertificate");
        boolean key = set(tls, "privateKey");
        boolean ca = set(tls, "caCertificates");
        boolean credential = set(tls, "credentialName");
        boolean credentials = !tls.path("credentialNames").isEmpty();
        boolean tlsCertificates = !tls.path("tlsCertificates").isEmpty();
        if (mode.equals("ISTIO_MUTUAL")) {
            // the mesh's own certificates: any other source is a mistake
            only(report, path + ".serverCertificate", cert, "ISTIO_MUTUAL TLS cannot have associated server certificate");
            only(report, path + ".privateKey", key, "ISTIO_MUTUAL TLS cannot have associated private key");
            only(report, path + ".caCertificates", ca, "ISTIO_MUTUAL TLS cannot have associated CA bundle");
            only(report, path + ".tlsCertificates", tlsCertificates, "ISTIO_MUTUAL TLS cannot have associated tlsCertificates");
            only(report, path + ".credentialName", credential, "ISTIO_MUTUAL TLS cannot have associated credentialName");
            only(report, path + ".credentialNames", credentials, "ISTIO_MUTUAL TLS cannot have associated credentialNames");
            return;
        }
        if ((mode.equals("PASSTHROUGH") || mode.equals("AUTO_PASSTHROUGH"))
                && (set(tls, "caCrl") || cert || key || ca || tlsCertificates || credential || credentials)) {
            report.warning(path, mode + " mode does not use certificates, they will be ignored");
        }
        int sources = (cert && key ? 1 : 0) + (credential ? 1 : 0) + (credentials ? 1 : 0) + (tlsCertificates ? 1 : 0);
        if (sources > 1) {
            report.error(path, "only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified");
        }
        boolean terminates = mode.equals("SIMPLE") || mode.equals("MUTUAL") || mode.equals("OPTIONAL_MUTUAL");
        if (terminates && (credential || credentials)) {
            return; // the certificates come from the credential
        }
        if (terminates) {
            String prefix = mode.equals("SIMPLE") ? "SIMPLE TLS" : "MUTUAL TLS";
            if (tls.path("tlsCertificates").size() > 2) {
                report.warning(path + ".tlsCertificates", prefix + " can support up to 2 server certificates");
            }
            JsonNode list = tls.path("tlsCertificates");
            for (int i = 0; i < list.size(); i++) {
                String p = path + ".tlsCertificates[" + i + "]";
                only(report, p + ".serverCertificate", !set(list.path(i), "serverCertificate"), prefix + " requires a server certificate");
                only(report, p + ".privateKey", !set(list.path(i), "privateKey"), prefix + " requires a private key");
            }
            // the inline certificate, key and client CA: GatewayValidator's certificate rule
        }
        if (set(tls, "caCrl")) {
            only(report, path + ".caCrl", credential, "CRL is not supported with credentialName. CRL has to be specified in the credential");
            only(report, path + ".caCrl", mode.equals("SIMPLE"), "CRL is not supported with SIMPLE TLS");
        }
    }

    private static boolean set(JsonNode tls, String field) {
        return !FieldForms.text(tls, field).isEmpty();
    }

    private static void only(Report report, String path, boolean condition, String message) {
        if (condition) {
            report.error(path, message);
        }
    }

    /** security.IsValidCipherSuite: known suites, ALL, empty, and BoringSSL's operator forms (!, +, -, [). */
    private static boolean validCipherSuite(String cs) {
        if (cs.isEmpty() || cs.equals("ALL")) {
            return true;
        }
        return !Character.isLetterOrDigit(cs.charAt(0)) || CIPHER_SUITES.contains(cs);
    }
}

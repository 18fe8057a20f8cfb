package io.strait.ca.identity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A workload identity as Istio names it: {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}. The
 * only SAN of every workload certificate the CA issues, and what a join token or a client certificate proves.
 *
 * @param trustDomain    e.g. {@code cluster.local}
 * @param namespace      a Kubernetes namespace name (DNS-1123 label)
 * @param serviceAccount a Kubernetes service account name (DNS-1123 subdomain)
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {
    private static final String SCHEME = "spiffe://";
    // SPIFFE trust domain characters (lower case letters, digits, '.', '-', '_'), as the SPIFFE ID spec allows
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public SpiffeId {
        check(trustDomain, TRUST_DOMAIN, "trust domain", "lower-case letters, digits, '.', '-' or '_'");
        check(namespace, LABEL, "namespace", "a DNS-1123 label: lower-case letters, digits and '-', at most 63");
        check(serviceAccount, SUBDOMAIN, "service account", "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253");
    }

    /** Parses {@code spiffe://td/ns/NS/sa/SA}; anything else is refused with what is wrong. */
    public static SpiffeId parse(String uri) {
        return tryParse(uri).orElseThrow(() -> new IllegalArgumentException(
                "\"" + uri + "\" is not a workload identity of the form spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>"));
    }

    /** Parses an identity, or empty for any string that is not one (bad characters included). */
    public static Optional<SpiffeId> tryParse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String[] parts = uri.substring(SCHEME.length()).split("/", -1);
        if (parts.length != 5 || !parts[1].equals("ns") || !parts[3].equals("sa")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SpiffeId(parts[0], parts[2], parts[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The URI, e.g. {@code spiffe://cluster.local/ns/default/sa/bookinfo}. */
    public String uri() {
        return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    @Override
    public String toString() {
        return uri();
    }

    private static void check(String value, Pattern pattern, String what, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " \"" + value + "\" is not valid: use " + rule);
        }
    }

    /**
     * The {@code spiffe://} URI SANs of a certificate, in order; empty when it has none. The CA's renewal check and the
     * secure xDS port both read a caller's identity this way.
     *
     * @throws java.security.cert.CertificateParsingException when the SAN extension cannot be read
     */
    public static java.util.List<String> urisOf(java.security.cert.X509Certificate cert) throws java.security.cert.CertificateParsingException {
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.Collection<java.util.List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (java.util.List<?> san : sans) {
                // 6 = uniformResourceIdentifier (RFC 5280 GeneralName)
                if (Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri && uri.startsWith(SCHEME)) {
                    out.add(uri);
                }
            }
        }
        return out;
    }
}

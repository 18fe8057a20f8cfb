package io.strait.ingest.validate;

import static io.strait.ingest.validate.Report.q;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The host, address and name forms of Istio's validation, each a function from text to Istio's message (null when
 * the text is of the form): DNS-1123 labels, FQDNs, wildcard domains, {@code namespace/host} entries of Sidecar
 * egress listeners and Gateway servers, IP addresses and CIDR blocks. Addresses are parsed here, never resolved.
 */
final class HostForms {
    private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile("^" + LABEL + "$");
    private static final Pattern WILDCARD_LABEL = Pattern.compile("^(\\*|(\\*|\\*-)?" + LABEL + ")$");
    private static final Pattern ALL_NUMERIC = Pattern.compile("^[+-]?[0-9]+$");
    private static final Pattern HEX_GROUP = Pattern.compile("^[0-9a-fA-F]{1,4}$");

    private HostForms() {
    }

    static boolean isDns1123Label(String s) {
        return s != null && s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
    }

    static boolean isWildcardLabel(String s) {
        return s.length() <= 63 && WILDCARD_LABEL.matcher(s).matches();
    }

    /** CheckDNS1123Preconditions. */
    static String dnsPreconditions(String name) {
        if (name.length() > 255) {
            return "domain name " + q(name) + " too long (max 255)";
        }
        return name.isEmpty() ? "empty domain name not allowed" : null;
    }

    /** ValidateDNS1123Labels: dot-separated labels, a trailing dot allowed, no all-numeric top-level domain. */
    static String dnsLabels(String domain) {
        String[] parts = domain.split("\\.", -1);
        String top = parts[parts.length - 1];
        if (ALL_NUMERIC.matcher(top).matches()) {
            return "domain name " + q(domain) + " invalid (top level domain " + q(top) + " cannot be all-numeric)";
        }
        for (int i = 0; i < parts.length; i++) {
            if (i == parts.length - 1 && parts[i].isEmpty()) {
                return null;
            }
            if (!isDns1123Label(parts[i])) {
                return "domain name " + q(domain) + " invalid (label " + q(parts[i]) + " invalid)";
            }
        }
        return null;
    }

    /** ValidateFQDN. */
    static String fqdn(String name) {
        String pre = dnsPreconditions(name);
        return pre != null ? pre : dnsLabels(name);
    }

    /** ValidateWildcardDomain: an FQDN whose first label may be {@code *}, {@code *foo} or {@code *-foo}. */
    static String wildcardDomain(String domain) {
        String pre = dnsPreconditions(domain);
        if (pre != null) {
            return pre;
        }
        int dot = domain.indexOf('.');
        String first = dot < 0 ? domain : domain.substring(0, dot);
        if (!isWildcardLabel(first)) {
            return "domain name " + q(domain) + " invalid (label " + q(first) + " invalid)";
        }
        return dot < 0 ? null : dnsLabels(domain.substring(dot + 1));
    }

    /** ValidatePartialWildCard: {@code *} alone or as the whole first label. */
    static String partialWildcard(String host) {
        if (host.contains("*") && host.length() != 1 && !host.startsWith("*.")) {
            return "partial wildcard " + q(host) + " not allowed";
        }
        return null;
    }

    /** ValidateNamespaceSlashWildcardHostname: a Sidecar egress host or a Gateway server host. */
    static List<String> namespaceSlashHost(String hostname, boolean gateway) {
        List<String> errors = new ArrayList<>();
        int slash = hostname.indexOf('/');
        if (slash < 0) {
            if (gateway) {
                return hostPart(hostname, true); // the old form of gateway hosts: no namespace
            }
            errors.add("host must be of form namespace/dnsName");
            return errors;
        }
        String ns = hostname.substring(0, slash);
        String dns = hostname.substring(slash + 1);
        if (ns.isEmpty() || dns.isEmpty()) {
            errors.add("config namespace and dnsName in host entry cannot be empty");
        }
        if (!gateway) {
            String plain = ns.startsWith("~") ? ns.substring(1) : ns;
            if (!plain.isEmpty() && !plain.equals("*") && !plain.equals(".") && !isDns1123Label(plain)) {
                errors.add("invalid namespace value " + q(ns) + " in sidecar");
            }
        } else if (!ns.equals("*") && !ns.equals(".") && !isDns1123Label(ns)) {
            errors.add("invalid namespace value " + q(ns) + " in gateway");
        }
        errors.addAll(hostPart(dns, gateway));
        return errors;
    }

    /** validateSidecarOrGatewayHostnamePart: an FQDN (no short names), wildcard first label only; gateways take IPs. */
    private static List<String> hostPart(String hostname, boolean gateway) {
        LinkedHashSet<String> errors = new LinkedHashSet<>(); // Istio may add the same message twice
        if (!hostname.equals("*") && !hostname.contains(".")) {
            errors.add("short names (non FQDN) are not allowed");
        }
        String domain = wildcardDomain(hostname);
        if (domain != null && (!gateway || !isIp(hostname))) {
            errors.add(domain);
        }
        String partial = partialWildcard(hostname);
        if (partial != null) {
            errors.add(partial);
        }
        return new ArrayList<>(errors);
    }

    /** ValidateIPAddress. */
    static String ipAddress(String addr) {
        return isIp(addr) ? null : addr + " is not a valid IP";
    }

    /** ValidateIPSubnet: an IP address or, with one slash, a CIDR block. */
    static String ipSubnet(String subnet) {
        if (subnet.chars().filter(c -> c == '/').count() == 1) {
            return isCidr(subnet) ? null : subnet + " is not a valid CIDR block";
        }
        return ipAddress(subnet);
    }

    /** An address as Go's netip.ParseAddr reads it: dotted IPv4 without leading zeros, IPv6 with an optional zone. */
    static boolean isIp(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (!s.contains(":")) {
            return isIpv4(s);
        }
        int zone = s.indexOf('%');
        if (zone >= 0 && zone == s.length() - 1) {
            return false;
        }
        return isIpv6(zone < 0 ? s : s.substring(0, zone));
    }

    /** A prefix as Go's netip.ParsePrefix reads it: an address without zone, a slash, a decimal length in range. */
    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0 || s.indexOf('/', slash + 1) >= 0) {
            return false;
        }
        String addr = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (addr.contains("%") || !isIp(addr) || !bits.matches("0|[1-9][0-9]{0,2}")) {
            return false;
        }
        return Integer.parseInt(bits) <= (addr.contains(":") ? 128 : 32);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!isOctet(p)) {
                return false;
            }
        }
        return true;
    }

    /** {@code 0|[1-9][0-9]{0,2}} up to 255, without a regular expression (every endpoint address of a revision is read). */
    private static boolean isOctet(String p) {
        int n = p.length();
        if (n == 0 || n > 3 || (n > 1 && p.charAt(0) == '0')) {
            return false;
        }
        int value = 0;
        for (int i = 0; i < n; i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255;
    }

    private static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        List<String> groups = new ArrayList<>();
        if (gap >= 0) {
            String head = s.substring(0, gap);
            String tail = s.substring(gap + 2);
            if (!head.isEmpty()) {
                groups.addAll(List.of(head.split(":", -1)));
            }
            if (!tail.isEmpty()) {
                groups.addAll(List.of(tail.split(":", -1)));
            }
        } else {
            groups.addAll(List.of(s.split(":", -1)));
        }
        int count = 0;
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            if (i == groups.size() - 1 && g.contains(".")) {
                if (!isIpv4(g)) {
                    return false;
                }
                count += 2;
            } else if (HEX_GROUP.matcher(g).matches()) {
                count++;
            } else {
                return false;
            }
        }
        return gap >= 0 ? count < 8 : count == 8;
    }
}

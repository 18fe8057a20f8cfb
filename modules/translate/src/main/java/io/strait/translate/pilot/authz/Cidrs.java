package io.strait.translate.pilot.authz;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP or CIDR as an Envoy {@code CidrRange}, as Istio writes it ({@code AddrStrToCidrRange}): the address as
 * written, not masked ({@code 5.6.7.0/16} keeps {@code 5.6.7.0}), a bare IP as a /32 or /128, IPv6 in its
 * canonical short form.
 */
final class Cidrs {
    private Cidrs() {
    }

    static CidrRange of(String value) {
        int slash = value.indexOf('/');
        String addr = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = parse(addr);
        if (bytes == null) {
            throw new NotEnforceable("invalid IP address \"" + value + "\"");
        }
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            String len = value.substring(slash + 1);
            if (!len.matches("[0-9]{1,3}") || (len.length() > 1 && len.startsWith("0")) || Integer.parseInt(len) > max) {
                throw new NotEnforceable("invalid CIDR \"" + value + "\"");
            }
            bits = Integer.parseInt(len);
        }
        return CidrRange.newBuilder().setAddressPrefix(format(bytes)).setPrefixLen(UInt32Value.of(bits)).build();
    }

    /** The address's bytes; null when it is not an IPv4 (dotted decimal, no leading zeros) or IPv6 literal. */
    private static byte[] parse(String addr) {
        if (addr.indexOf(':') < 0) {
            String[] parts = addr.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (!p.matches("[0-9]{1,3}") || (p.length() > 1 && p.startsWith("0")) || Integer.parseInt(p) > 255) {
                    return null;
                }
                out[i] = (byte) Integer.parseInt(p);
            }
            return out;
        }
        if (!addr.matches("[0-9a-fA-F:.]+")) {
            return null; // a literal only: never a name to resolve
        }
        try {
            InetAddress a = InetAddress.getByName(addr);
            return a instanceof Inet6Address ? a.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String format(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: only runs of two or more zero groups shrink to ::
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}

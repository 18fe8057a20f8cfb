package io.strait.translate.pilot;

/**
 * An outbound cluster: a service host, one of its ports, optionally a subset. Named as Istio names it,
 * {@code outbound|<port>|<subset>|<host>}, so dashboards and habits carry over.
 */
public record ClusterRef(String host, int port, String subset) implements Comparable<ClusterRef> {

    /** The outbound cluster a name denotes ({@code outbound|<port>|<subset>|<host>}); empty for any other name. */
    public static java.util.Optional<ClusterRef> parse(String name) {
        String[] parts = name.split("\\|", 4);
        if (parts.length != 4 || !parts[0].equals("outbound") || parts[1].isEmpty() || !parts[1].chars().allMatch(Character::isDigit)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ClusterRef(parts[3], Integer.parseInt(parts[1]), parts[2].isEmpty() ? null : parts[2]));
    }

    /**
     * The SNI-DNAT form of an outbound cluster ({@code outbound_.<port>_.<subset>_.<host>}, Istio's DNS SRV subset
     * key): the SNI a sidecar sends in a multi-network mesh, by which an east-west gateway routes (AUTO_PASSTHROUGH),
     * and the name of that gateway's cluster for it.
     */
    public String sniName() {
        return "outbound_." + port + "_." + (subset == null ? "" : subset) + "_." + host;
    }

    /** The outbound cluster an SNI-DNAT name denotes ({@link #sniName}); empty for any other name. */
    public static java.util.Optional<ClusterRef> parseSni(String name) {
        String[] parts = name.split("_\\.", 4);
        if (parts.length != 4 || !parts[0].equals("outbound") || parts[1].isEmpty() || !parts[1].chars().allMatch(Character::isDigit)
                || parts[1].length() > 5 || parts[3].isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ClusterRef(parts[3], Integer.parseInt(parts[1]), parts[2].isEmpty() ? null : parts[2]));
    }

    public String name() {
        return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
    }

    /**
     * The order of {@link #name()}s, as {@code String.compareTo} has it, without building them when the ports are
     * equal (the common case: a scope sorts thousands of clusters, and names were most of that cost).
     */
    @Override
    public int compareTo(ClusterRef o) {
        if (port != o.port) {
            return name().compareTo(o.name());
        }
        // the names share "outbound|<port>|": compare "<subset>|<host>" char by char
        String s1 = subset == null ? "" : subset;
        String s2 = o.subset == null ? "" : o.subset;
        if (s1.equals(s2)) {
            return host.compareTo(o.host);
        }
        int n1 = s1.length() + 1 + host.length();
        int n2 = s2.length() + 1 + o.host.length();
        for (int i = 0, n = Math.min(n1, n2); i < n; i++) {
            char c1 = charAt(s1, host, i);
            char c2 = charAt(s2, o.host, i);
            if (c1 != c2) {
                return c1 - c2;
            }
        }
        return n1 - n2;
    }

    /** The i-th char of {@code subset + "|" + host}. */
    private static char charAt(String subset, String host, int i) {
        int s = subset.length();
        return i < s ? subset.charAt(i) : i == s ? '|' : host.charAt(i - s - 1);
    }
}

package io.strait.translate.pilot;

/**
 * An outbound cluster: a service host, one of its ports, optionally a subset. Named as Istio names it,
 * {@code outbound|<port>|<subset>|<host>}, so dashboards and habits carry over.
 */
public record ClusterRef(String host, int port, String subset) implements Comparable<ClusterRef> {

    public String name() {
        return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
    }

    @Override
    public int compareTo(ClusterRef o) {
        return name().compareTo(o.name());
    }
}

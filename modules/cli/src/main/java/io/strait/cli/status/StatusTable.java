package io.strait.cli.status;

import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.model.finding.Finding;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a {@link MeshStatus} as the text tables {@code strait status} prints. */
public final class StatusTable {
    private static final List<String> TYPES = List.of("CDS", "EDS", "LDS", "RDS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private StatusTable() {
    }

    public static String render(MeshStatus status) {
        StringBuilder out = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAME", "CLUSTER", "SCOPE", "FRONT", "CDS", "EDS", "LDS", "RDS", "REVISION"));
        List<String> nacks = new ArrayList<>();
        for (MeshStatus.Proxy p : status.proxies()) {
            String cluster = p.registration().clusterId() == null || p.registration().clusterId().isEmpty() ? "-" : p.registration().clusterId();
            List<String> row = new ArrayList<>(List.of(p.registration().proxyId(), cluster, p.registration().scope(), p.registration().front()));
            Map<String, ProxyStatus.TypeStatus> types = p.types();
            for (String type : TYPES) {
                ProxyStatus.TypeStatus t = types.get(type);
                row.add(t == null ? "NOT SENT" : t.state());
                if (t != null && "NACK".equals(t.state())) {
                    nacks.add(p.registration().proxyId() + " " + type + ": " + t.nackError());
                }
            }
            row.add(p.status() == null || p.status().revisions().isEmpty() ? "-" : String.join(",", p.status().revisions().values()));
            rows.add(row);
        }
        if (status.proxies().isEmpty()) {
            out.append("No proxies connected.\n");
        } else {
            table(out, rows);
            perCluster(out, status.proxies());
        }
        nacks.forEach(n -> out.append("  NACK ").append(n).append('\n'));
        if (!status.lost().isEmpty()) {
            out.append(status.lost().size()).append(" proxies registered by fronts whose lease ran out are not counted: ")
                    .append(String.join(", ", status.lost())).append('\n');
        }
        out.append('\n');
        List<List<String>> sources = new ArrayList<>();
        sources.add(List.of("SOURCE", "LIVE REVISION", "ACCEPTED", "RESOURCES", "LAST REJECTED"));
        for (RevisionStatus s : status.sources()) {
            RevisionStatus.Accepted live = s.live();
            RevisionStatus.Rejected rejected = s.lastRejected();
            sources.add(List.of(s.source(), live == null ? "-" : live.revision(),
                    live == null ? "-" : TIME.format(Instant.ofEpochMilli(live.acceptedAt())),
                    live == null ? "-" : String.valueOf(live.resources()),
                    rejected == null ? "-" : rejected.revision() + " at " + TIME.format(Instant.ofEpochMilli(rejected.rejectedAt()))));
        }
        if (status.sources().isEmpty()) {
            out.append("No config source has published yet.\n");
        } else {
            table(out, sources);
        }
        registries(out, status.registries(), System.currentTimeMillis());
        for (RevisionStatus s : status.sources()) {
            // a live revision's warnings are findings about config that is serving now (a JWKS that cannot be
            // fetched keeps its issuer's tokens refused): status is where an operator looks, so they are listed
            if (s.live() != null && !s.live().warnings().isEmpty()) {
                int n = s.live().warnings().size();
                out.append("\nRevision ").append(s.live().revision()).append(" of ").append(s.source())
                        .append(" is live with ").append(n).append(n == 1 ? " warning:\n" : " warnings:\n");
                for (Finding f : s.live().warnings()) {
                    out.append("  ").append(f.code() == null ? "" : f.code() + " ").append(f.describe()).append('\n');
                }
            }
            if (s.lastRejected() != null) {
                out.append("\nRevision ").append(s.lastRejected().revision()).append(" of ").append(s.source())
                        .append(" was rejected:\n");
                for (Finding f : s.lastRejected().findings()) {
                    if (f.isError()) {
                        out.append("  ").append(f.describe()).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** With proxies in several clusters, how many each has and how many of them are synced on every type. */
    private static void perCluster(StringBuilder out, List<MeshStatus.Proxy> proxies) {
        Map<String, int[]> byCluster = new java.util.TreeMap<>();
        for (MeshStatus.Proxy p : proxies) {
            String cluster = p.registration().clusterId() == null || p.registration().clusterId().isEmpty() ? "-" : p.registration().clusterId();
            int[] n = byCluster.computeIfAbsent(cluster, c -> new int[2]);
            n[0]++;
            if (TYPES.stream().allMatch(t -> p.types().get(t) != null && "SYNCED".equals(p.types().get(t).state()))) {
                n[1]++;
            }
        }
        if (byCluster.size() > 1) {
            out.append("Proxies per cluster:");
            byCluster.forEach((c, n) -> out.append(' ').append(c).append(' ').append(n[1]).append('/').append(n[0]).append(" synced;"));
            out.setLength(out.length() - 1);
            out.append('\n');
        }
    }

    /** The registries section: one row per cluster, connected or STALE for how long, and its error. */
    static void registries(StringBuilder out, List<io.strait.bus.envelope.RegistryStatus> registries, long now) {
        if (registries.isEmpty()) {
            return;
        }
        out.append("\nRegistries:\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("CLUSTER", "NETWORK", "STATE", "SERVICES", "ENDPOINTS", "ERROR"));
        for (io.strait.bus.envelope.RegistryStatus r : registries) {
            String state = r.connected() ? "connected" : r.staleSince() > 0
                    ? "STALE for " + java.time.Duration.ofMillis(Math.max(0, now - r.staleSince())).toSeconds() + " s" : "not connected";
            rows.add(List.of(r.cluster(), r.network().isEmpty() ? "-" : r.network(), state, String.valueOf(r.services()),
                    String.valueOf(r.endpoints()), r.error().isEmpty() ? "-" : r.error()));
        }
        table(out, rows);
    }

    private static void table(StringBuilder out, List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}

package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Istio's locality load balancing rules (agent.ValidateLocalityLbSetting): distribute or failover, weights that
 * sum to 100, localities {@code region/zone/subzone} with at most a trailing wildcard and without overlaps.
 */
final class LocalityRules {
    private static final Set<String> TOPOLOGY = Set.of("topology.kubernetes.io/region", "topology.kubernetes.io/zone",
            "topology.istio.io/subzone");

    private LocalityRules() {
    }

    /**
     * agent.ValidateZoneAwareLbSetting: Envoy's zone-aware balancing orders zones and subzones itself, so failover
     * names regions only, and failover priority no topology label; failover without outlier detection never fails
     * over (a warning, as Istio's).
     */
    static void zoneAwareLbSetting(Report report, String path, JsonNode lb, JsonNode outlier) {
        if (lb == null || !lb.isObject()) {
            return;
        }
        JsonNode priority = lb.path("failoverPriority");
        for (int i = 0; i < priority.size(); i++) {
            if (TOPOLOGY.contains(priority.path(i).asText())) {
                report.error(path + ".failoverPriority[" + i + "]", "'failover_priority' for zone aware lb must not use topology label '"
                        + priority.path(i).asText() + "'; region- and zone-level routing are handled automatically");
            }
        }
        JsonNode failover = lb.path("failover");
        if ((!failover.isEmpty() || !priority.isEmpty()) && (outlier == null || outlier.isNull() || outlier.isMissingNode())) {
            report.warning(path, "outlier detection policy must be provided for failover");
        }
        failoverRegions(report, path, failover, "zone aware",
                "only specifies region; zone and subzone failover are handled automatically");
    }

    static void localityLbSetting(Report report, String path, JsonNode lb, JsonNode outlier) {
        if (lb == null || !lb.isObject()) {
            return;
        }
        JsonNode distribute = lb.path("distribute");
        JsonNode failover = lb.path("failover");
        JsonNode priority = lb.path("failoverPriority");
        if (!distribute.isEmpty() && !failover.isEmpty()) {
            report.error(path, "can not simultaneously specify 'distribute' and 'failover'");
            return;
        }
        if (!failover.isEmpty()) {
            for (JsonNode label : priority) {
                if (TOPOLOGY.contains(label.asText())) {
                    report.error(path + ".failoverPriority", "can not simultaneously set 'failover' and topology label '"
                            + label.asText() + "' in 'failover_priority'");
                    return;
                }
            }
        }
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < distribute.size(); i++) {
            JsonNode d = distribute.path(i);
            String p = path + ".distribute[" + i + "]";
            sources.add(d.path("from").asText(""));
            long total = 0;
            List<String> destinations = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = d.path("to").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                destinations.add(e.getKey());
                long w = e.getValue().asLong(0);
                if (w <= 0 || w > 100) {
                    report.error(p + ".to." + e.getKey(), "locality weight must be in range [1, 100]");
                    return;
                }
                total += w;
            }
            if (total != 100) {
                report.error(p + ".to", "total locality weight " + total + " != 100");
                return;
            }
            report.errorIf(p + ".to", localities(destinations));
        }
        report.errorIf(path + ".distribute", localities(sources));
        if ((!failover.isEmpty() || !priority.isEmpty()) && (outlier == null || outlier.isNull())) {
            report.warning(path, "outlier detection policy must be provided for failover");
        }
        failoverRegions(report, path, failover, "locality", "only specify region");
    }

    /** Each failover names two different regions, without zones or wildcards (Istio's words for each setting). */
    private static void failoverRegions(Report report, String path, JsonNode failover, String setting, String regionOnly) {
        for (int i = 0; i < failover.size(); i++) {
            String from = failover.path(i).path("from").asText("");
            String to = failover.path(i).path("to").asText("");
            String p = path + ".failover[" + i + "]";
            if (from.equals(to)) {
                report.error(p, setting + " lb failover settings must specify different regions");
            }
            if (from.contains("/") || to.contains("/")) {
                report.error(p, setting + " lb failover " + regionOnly);
            }
            if (from.contains("*") || to.contains("*")) {
                report.error(p, setting + " lb failover region should not contain '*' wildcard");
            }
        }
    }

    /** validateLocalities: one trailing wildcard at most, no empty parts, no locality covering another. */
    static String localities(List<String> localities) {
        // region -> zone -> subzones; "*" stands for all of a level
        Map<String, Map<String, Set<String>>> seen = new HashMap<>();
        for (String locality : localities) {
            long stars = locality.chars().filter(c -> c == '*').count();
            if (stars > 0 && (stars > 1 || !locality.endsWith("*"))) {
                return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
            }
            String overlap = "locality " + locality + " overlap with previous specified ones";
            if (seen.containsKey("*")) {
                return overlap;
            }
            String[] items = locality.split("/", 3);
            for (String item : items) {
                if (item.isEmpty()) {
                    return "locality " + locality + " must not contain empty region/zone/subzone info";
                }
            }
            if (locality.isEmpty() || locality.endsWith("/")) {
                return "locality " + locality + " must not contain empty region/zone/subzone info";
            }
            String region = items[0];
            Map<String, Set<String>> zones = seen.get(region);
            if (items.length == 1) {
                if (zones != null) {
                    return overlap;
                }
                seen.put(region, new HashMap<>(Map.of("*", new HashSet<>(Set.of("*")))));
                continue;
            }
            if (zones != null && zones.containsKey("*")) {
                return overlap;
            }
            zones = seen.computeIfAbsent(region, k -> new HashMap<>());
            String zone = items[1];
            if (items.length == 2) {
                if (zones.containsKey(zone)) {
                    return overlap;
                }
                zones.put(zone, new HashSet<>(Set.of("*")));
                continue;
            }
            Set<String> subzones = zones.get(zone);
            if (subzones != null && (subzones.contains("*") || subzones.contains(items[2]))) {
                return overlap;
            }
            zones.computeIfAbsent(zone, k -> new HashSet<>()).add(items[2]);
        }
        return null;
    }
}

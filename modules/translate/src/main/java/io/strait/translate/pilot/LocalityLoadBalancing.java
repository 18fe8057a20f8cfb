package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.strait.model.istio.DestinationRule.Distribute;
import io.strait.model.istio.DestinationRule.Failover;
import io.strait.model.istio.DestinationRule.LocalityLbSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code localityLbSetting}: endpoint groups arranged for the caller's locality, as Istio arranges them. With
 * {@code distribute}, the first rule whose {@code from} matches the caller sets each destination locality's weight
 * (a weight shared evenly among the localities its pattern matches; unlisted localities get nothing). Otherwise
 * failover: priority 0 is the caller's own region/zone/subzone, then its zone, its region, the region
 * {@code failover} names for it, then everything else — each level taken only while the ones before have no
 * healthy endpoint. Priorities are numbered without gaps, as Envoy and gRPC require. Without a caller locality, or
 * with {@code enabled: false}, groups stay as they are.
 */
final class LocalityLoadBalancing {
    private LocalityLoadBalancing() {
    }

    /** The groups for a caller in {@code caller}; {@code groups} are keyed by {@code region/zone/subzone}. */
    static List<LocalityLbEndpoints> arrange(LocalityLbSetting setting, String caller, Map<String, LocalityLbEndpoints.Builder> groups) {
        if (setting == null || Boolean.FALSE.equals(setting.enabled()) || caller.isEmpty()) {
            return groups.values().stream().map(LocalityLbEndpoints.Builder::build).toList();
        }
        Distribute rule = setting.distribute().stream().filter(d -> d != null && d.from() != null && matches(d.from(), caller))
                .findFirst().orElse(null);
        if (rule != null) {
            return distribute(rule, groups);
        }
        if (!setting.distribute().isEmpty()) {
            return groups.values().stream().map(LocalityLbEndpoints.Builder::build).toList(); // no rule for this caller
        }
        Map<String, Integer> level = new TreeMap<>();
        String failoverRegion = setting.failover().stream().filter(f -> f != null && f.from() != null
                && f.from().equals(segment(caller, 0))).map(Failover::to).findFirst().orElse(null);
        groups.keySet().forEach(l -> level.put(l, proximity(caller, l, failoverRegion)));
        List<Integer> levels = new ArrayList<>(new TreeSet<>(level.values()));
        List<LocalityLbEndpoints> out = new ArrayList<>();
        groups.forEach((l, group) -> out.add(group.setPriority(levels.indexOf(level.get(l))).build()));
        return out;
    }

    private static List<LocalityLbEndpoints> distribute(Distribute rule, Map<String, LocalityLbEndpoints.Builder> groups) {
        Map<String, Double> weights = new TreeMap<>();
        rule.to().forEach((pattern, weight) -> {
            List<String> matched = groups.keySet().stream().filter(l -> matches(pattern, l)).toList();
            matched.forEach(l -> weights.merge(l, (double) (weight == null ? 0 : weight) / matched.size(), Double::sum));
        });
        List<LocalityLbEndpoints> out = new ArrayList<>();
        groups.forEach((l, group) -> {
            long w = Math.round(weights.getOrDefault(l, 0.0));
            if (w > 0) {
                out.add(group.setLoadBalancingWeight(UInt32Value.of((int) w)).build());
            }
        });
        return out;
    }

    /** 0: same subzone, 1: same zone, 2: same region, 3: the failover region, 4: elsewhere. */
    private static int proximity(String caller, String endpoint, String failoverRegion) {
        for (int depth = 3; depth >= 1; depth--) {
            if (samePrefix(caller, endpoint, depth)) {
                return 3 - depth;
            }
        }
        return segment(endpoint, 0).equals(failoverRegion) ? 3 : 4;
    }

    private static boolean samePrefix(String a, String b, int depth) {
        for (int i = 0; i < depth; i++) {
            if (segment(a, i).isEmpty() || !segment(a, i).equals(segment(b, i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether a locality pattern ({@code region/zone/subzone}, {@code *} for "any from here") covers a locality. */
    static boolean matches(String pattern, String locality) {
        String[] p = pattern.split("/");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("*")) {
                return true;
            }
            if (!p[i].equals(segment(locality, i))) {
                return false;
            }
        }
        return true;
    }

    private static String segment(String locality, int i) {
        String[] parts = locality.split("/");
        return i < parts.length ? parts[i] : "";
    }
}

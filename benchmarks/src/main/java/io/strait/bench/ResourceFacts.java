package io.strait.bench;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a simulated proxy needs to know of one xDS resource, parsed once per distinct resource bytes and shared by
 * every proxy that receives the same bytes (all proxies of a scope do): its name, whether a cluster asks for
 * endpoints (EDS), the route configurations a listener names, and the keys a revision can wait for — the
 * {@code <first weighted cluster>=<weight>} of each route, the endpoint addresses of an assignment. A fleet of
 * 10,000 proxies thus parses each resource once instead of 10,000 times and keeps no per-proxy copy of it.
 *
 * @param name the resource's name
 * @param eds for a cluster: whether its discovery type is EDS
 * @param routeNames for a listener: the RDS route configuration names its connection managers name, in order
 * @param keys for a route configuration: weights; for an assignment: addresses; otherwise empty
 */
record ResourceFacts(String name, boolean eds, List<String> routeNames, Set<String> keys) {
    /** Distinct resources seen, by type URL and bytes; cleared when it grows past {@link #MAX_ENTRIES}. */
    private static final ConcurrentHashMap<ByteString, ResourceFacts>[] MEMO = memo();
    /** Lists of names (EDS subscriptions, route names) shared by the proxies that hold equal ones. */
    private static final ConcurrentHashMap<List<String>, List<String>> LISTS = new ConcurrentHashMap<>();
    /** Enough for a few thousand services and many revisions; beyond it the memo restarts (still shared). */
    private static final int MAX_ENTRIES = 200_000;

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<ByteString, ResourceFacts>[] memo() {
        ConcurrentHashMap<ByteString, ResourceFacts>[] maps = new ConcurrentHashMap[4];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = new ConcurrentHashMap<>();
        }
        return maps;
    }

    /** The facts of a resource of one of the four types the proxies subscribe to, parsed at most once per bytes. */
    static ResourceFacts of(String typeUrl, Any any) {
        int type = XdsTypes.index(typeUrl);
        ConcurrentHashMap<ByteString, ResourceFacts> map = MEMO[type];
        ResourceFacts known = map.get(any.getValue());
        if (known != null) {
            return known;
        }
        if (map.size() > MAX_ENTRIES) {
            map.clear();
        }
        ResourceFacts parsed = parse(type, any);
        ResourceFacts raced = map.putIfAbsent(any.getValue(), parsed);
        return raced == null ? parsed : raced;
    }

    /** One shared instance of an equal list of names (what 10,000 proxies of the same scopes subscribe to). */
    static List<String> intern(List<String> names) {
        if (LISTS.size() > MAX_ENTRIES / 100) {
            LISTS.clear();
        }
        List<String> copy = List.copyOf(names);
        List<String> raced = LISTS.putIfAbsent(copy, copy);
        return raced == null ? copy : raced;
    }

    private static ResourceFacts parse(int type, Any any) {
        switch (type) {
            case XdsTypes.CDS_INDEX -> {
                Cluster cluster = unpack(any, Cluster.class);
                return new ResourceFacts(cluster.getName(), cluster.getType() == Cluster.DiscoveryType.EDS, List.of(), Set.of());
            }
            case XdsTypes.LDS_INDEX -> {
                Listener listener = unpack(any, Listener.class);
                List<String> routes = new ArrayList<>();
                for (var chain : listener.getFilterChainsList()) {
                    for (var filter : chain.getFiltersList()) {
                        if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
                            HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class);
                            if (hcm.hasRds() && !routes.contains(hcm.getRds().getRouteConfigName())) {
                                routes.add(hcm.getRds().getRouteConfigName());
                            }
                        }
                    }
                }
                return new ResourceFacts(listener.getName(), false, List.copyOf(routes), Set.of());
            }
            case XdsTypes.RDS_INDEX -> {
                RouteConfiguration config = unpack(any, RouteConfiguration.class);
                Set<String> weights = new HashSet<>();
                for (var host : config.getVirtualHostsList()) {
                    for (var route : host.getRoutesList()) {
                        var weighted = route.getRoute().getWeightedClusters().getClustersList();
                        if (!weighted.isEmpty()) {
                            weights.add(weighted.get(0).getName() + "=" + weighted.get(0).getWeight().getValue());
                        }
                    }
                }
                return new ResourceFacts(config.getName(), false, List.of(), Set.copyOf(weights));
            }
            default -> {
                ClusterLoadAssignment assignment = unpack(any, ClusterLoadAssignment.class);
                Set<String> addresses = new HashSet<>();
                for (var locality : assignment.getEndpointsList()) {
                    locality.getLbEndpointsList().forEach(e -> addresses.add(e.getEndpoint().getAddress().getSocketAddress().getAddress()));
                }
                return new ResourceFacts(assignment.getClusterName(), false, List.of(), Set.copyOf(addresses));
            }
        }
    }

    /** Whether this resource holds what a revision waits for: a cluster by name, a weight or an address by key. */
    boolean holds(String expect) {
        return name.equals(expect) || keys.contains(expect);
    }

    private static <T extends Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a " + type.getSimpleName() + " the front sent does not parse: " + e.getMessage(), e);
        }
    }
}

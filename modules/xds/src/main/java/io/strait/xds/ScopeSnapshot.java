package io.strait.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.strait.bus.wire.ContentHash;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A scope's snapshot whose state-of-the-world version also depends on the names a request subscribes to.
 *
 * <p>Why: java-control-plane only answers a changed subscription at an unchanged version when a requested name is
 * missing from its last response. A gRPC client that drops a cluster after a route change and subscribes to it again
 * later (100% to v1, then 100% to v3) is then never answered, and fails with "Timed out waiting for resource". With
 * the names in the version, any change of subscription is answered with exactly the requested resources, as the xDS
 * protocol asks. The version stays a pure function of content and names, identical on every front.
 */
final class ScopeSnapshot extends Snapshot {
    private final Snapshot delegate;
    private final Map<Resources.ResourceType, Map<String, String>> hashes;

    /**
     * @param delegate the resources
     * @param hashes   per type, resource name to its content hash: the per-resource version delta xDS reports,
     *                 the same on every front (java-control-plane's default, {@code hashCode()}, is not)
     */
    ScopeSnapshot(Snapshot delegate, Map<Resources.ResourceType, Map<String, String>> hashes) {
        this.delegate = delegate;
        this.hashes = hashes;
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
        return delegate.clusters();
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
        return delegate.endpoints();
    }

    @Override
    public SnapshotResources<Listener> listeners() {
        return delegate.listeners();
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
        return delegate.routes();
    }

    @Override
    public SnapshotResources<Secret> secrets() {
        return delegate.secrets();
    }

    @Override
    public Map<String, VersionedResource<?>> versionedResources(Resources.ResourceType type) {
        Map<String, String> byName = hashes.getOrDefault(type, Map.of());
        Map<String, VersionedResource<?>> out = new java.util.LinkedHashMap<>();
        delegate.resources(type).forEach((name, resource) ->
                out.put(name, VersionedResource.create(resource, byName.getOrDefault(name, ""))));
        return out;
    }

    @Override
    public String version(Resources.ResourceType type, List<String> resourceNames) {
        String base = delegate.version(type, resourceNames);
        if (resourceNames.isEmpty()) {
            return base; // a wildcard subscription: the type's version alone
        }
        return base + "." + ContentHash.ofStrings(List.copyOf(new TreeSet<>(resourceNames))).substring(0, 8);
    }
}

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
import io.strait.translate.xds.ContentHash;
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

    ScopeSnapshot(Snapshot delegate) {
        this.delegate = delegate;
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
        return delegate.versionedResources(type);
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

package io.strait.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Holds a refused version back until the config changes. A NACK carries the last version the proxy accepted,
 * which differs from the current one, so java-control-plane would answer at once with the very config that was
 * just refused, and the proxy would refuse it again, in a loop. Treating a NACK as "seen the refused version"
 * makes the cache wait for the next change instead, as istiod does.
 *
 * <p>For delta streams it also supplies what the client holds (see {@link DeltaVersions}). Secret watches go to
 * {@link NamespaceSecrets}, which serves them per namespace and only to authenticated streams; scope snapshots hold no
 * secret.
 */
final class NackHoldingWatcher implements ConfigWatcher {
    private final io.envoyproxy.controlplane.cache.v3.SimpleCache<String> delegate;
    private final io.envoyproxy.controlplane.cache.NodeGroup<String> groups;
    private final NackLedger ledger;
    private final DeltaVersions delta;
    private static final long FIRST_SNAPSHOT_WAIT_SECONDS = 10;
    private final java.util.function.Function<String, java.util.concurrent.CompletableFuture<Void>> firstSnapshot;
    private final NamespaceSecrets secrets;

    /**
     * @param firstSnapshot completes when a scope's first snapshot is live (a full-state request naming resources
     *                      waits for it, bounded, so that it can be answered with the names that exist)
     */
    NackHoldingWatcher(io.envoyproxy.controlplane.cache.v3.SimpleCache<String> delegate,
                       io.envoyproxy.controlplane.cache.NodeGroup<String> groups, NackLedger ledger, DeltaVersions delta,
                       java.util.function.Function<String, java.util.concurrent.CompletableFuture<Void>> firstSnapshot,
                       NamespaceSecrets secrets) {
        this.secrets = secrets;
        this.delegate = delegate;
        this.groups = groups;
        this.ledger = ledger;
        this.delta = delta;
        this.firstSnapshot = firstSnapshot;
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
                             Consumer<Response> responseConsumer, boolean hasClusterChanged,
                             boolean allowDefaultEmptyEdsUpdate) {
        if (Resources.V3.SECRET_TYPE_URL.equals(request.getTypeUrl())) {
            return secrets.createWatch(ads, request, knownResourceNames, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
        }
        XdsRequest effective = existingNamesOnly(request);
        if (request.hasErrorDetail()) {
            String refused = ledger.versionOf(request.v3Request().getNode().getId(), request.getTypeUrl(), request.getResponseNonce());
            if (refused != null) {
                effective = XdsRequest.create(effective.v3Request().toBuilder().setVersionInfo(refused).build());
                // the refused response carried these names, so the client has seen them. java-control-plane counts
                // only ACKed names as known and answers at once when a requested name is unknown — a proxy refusing
                // its very first routes would otherwise be sent them again, and refuse them again, in a tight loop
                Set<String> seen = new java.util.HashSet<>(knownResourceNames);
                seen.addAll(request.getResourceNamesList());
                knownResourceNames = seen;
            }
        }
        return delegate.createWatch(ads, effective, knownResourceNames, responseConsumer, hasClusterChanged,
                allowDefaultEmptyEdsUpdate);
    }

    /**
     * Listeners and clusters are full-state types: a response lists every requested resource that exists, and the
     * client takes an absent one as not existing. java-control-plane, in ADS mode, answers nothing while any
     * requested name is missing, so one mistyped or out-of-scope target would stall every listener of a gRPC client;
     * the names the scope does not have are dropped from the request instead.
     */
    private XdsRequest existingNamesOnly(XdsRequest request) {
        var type = request.getResourceType();
        if (request.getResourceNamesList().isEmpty() || (type != Resources.ResourceType.LISTENER && type != Resources.ResourceType.CLUSTER)) {
            return request;
        }
        String group = groups.hash(request.v3Request().getNode());
        io.envoyproxy.controlplane.cache.v3.Snapshot snapshot = delegate.getSnapshot(group);
        if (snapshot == null) {
            // a new scope: nothing can be sent before its first snapshot anyway, and only then is it known which names
            // exist. Runs on a gRPC executor thread, never an event loop; bounded.
            try {
                firstSnapshot.apply(group).get(FIRST_SNAPSHOT_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return request;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return request;
            }
            snapshot = delegate.getSnapshot(group);
            if (snapshot == null) {
                return request;
            }
        }
        var present = snapshot.resources(type).keySet();
        java.util.List<String> existing = request.getResourceNamesList().stream().filter(present::contains).toList();
        if (existing.size() == request.getResourceNamesList().size()) {
            return request;
        }
        return XdsRequest.create(request.v3Request().toBuilder().clearResourceNames().addAllResourceNames(existing).build());
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
                                       Set<String> pendingResources, boolean isWildcard,
                                       Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
        var v3 = request.v3Request();
        if (Resources.V3.SECRET_TYPE_URL.equals(v3.getTypeUrl())) {
            return secrets.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
                    responseConsumer, hasClusterChanged);
        }
        Map<String, String> held = delta.of(v3.getNode().getId(), v3.getTypeUrl());
        if (v3.getResponseNonce().isEmpty()) {
            held.putAll(v3.getInitialResourceVersionsMap()); // a (re)connecting client says what it already has
        }
        Map<String, String> tracked = delta.held(v3.getNode().getId(), v3.getTypeUrl());
        tracked.putAll(resourceVersions);
        Consumer<DeltaResponse> recording = response -> {
            response.resources().forEach((name, resource) -> held.put(name, resource.version()));
            response.removedResources().forEach(held::remove);
            responseConsumer.accept(response);
        };
        return delegate.createDeltaWatch(request, requesterVersion, tracked, pendingResources, isWildcard, recording,
                hasClusterChanged);
    }
}

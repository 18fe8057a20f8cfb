package io.strait.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
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
 * <p>For delta streams it also supplies what the client holds (see {@link DeltaVersions}).
 */
final class NackHoldingWatcher implements ConfigWatcher {
    private final ConfigWatcher delegate;
    private final NackLedger ledger;
    private final DeltaVersions delta;

    NackHoldingWatcher(ConfigWatcher delegate, NackLedger ledger, DeltaVersions delta) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.delta = delta;
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
                             Consumer<Response> responseConsumer, boolean hasClusterChanged,
                             boolean allowDefaultEmptyEdsUpdate) {
        XdsRequest effective = request;
        if (request.hasErrorDetail()) {
            String refused = ledger.versionOf(request.v3Request().getNode().getId(), request.getTypeUrl(), request.getResponseNonce());
            if (refused != null) {
                effective = XdsRequest.create(request.v3Request().toBuilder().setVersionInfo(refused).build());
            }
        }
        return delegate.createWatch(ads, effective, knownResourceNames, responseConsumer, hasClusterChanged,
                allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
                                       Set<String> pendingResources, boolean isWildcard,
                                       Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
        var v3 = request.v3Request();
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

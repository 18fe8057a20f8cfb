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
 */
final class NackHoldingWatcher implements ConfigWatcher {
    private final ConfigWatcher delegate;
    private final NackLedger ledger;

    NackHoldingWatcher(ConfigWatcher delegate, NackLedger ledger) {
        this.delegate = delegate;
        this.ledger = ledger;
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
        return delegate.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
                responseConsumer, hasClusterChanged);
    }
}

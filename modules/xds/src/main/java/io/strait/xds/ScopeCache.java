package io.strait.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.CacheStatusInfo;
import io.envoyproxy.controlplane.cache.DeltaCacheStatusInfo;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * java-control-plane's snapshot cache, one snapshot per scope, with one fault mended: when a new snapshot cannot
 * answer an open state-of-the-world ADS watch (it lacks a name the watch asks for, so nothing may be sent), the
 * library drops the watch anyway, and the proxy then waits forever — a later snapshot that has the name finds no
 * watch to answer. Seen when a proxy asked for its routes while its scope's first snapshot was still built from an
 * empty model (`NackHoldTest` timed out in CI). Here such a watch stays open until a snapshot can answer it.
 * Delta watches keep the library's handling.
 */
final class ScopeCache extends SimpleCache<String> {

    ScopeCache(NodeGroup<String> groups) {
        super(groups);
    }

    @Override
    protected void respondWithSpecificOrder(String group, Snapshot previous, Snapshot snapshot,
                                            Map<Resources.ResourceType, CacheStatusInfo<String>> statusMap,
                                            Map<Resources.ResourceType, DeltaCacheStatusInfo<String>> deltaStatusMap) {
        for (Resources.ResourceType type : Resources.RESOURCE_TYPES_IN_ORDER) {
            CacheStatusInfo<String> status = statusMap.get(type);
            if (status != null) {
                status.watchesRemoveIf((id, watch) -> type.equals(watch.request().getResourceType())
                        && !watch.request().getVersionInfo().equals(snapshot.version(type, watch.request().getResourceNamesList()))
                        && answered(watch, snapshot, type));
            }
        }
        super.respondWithSpecificOrder(group, previous, snapshot, Map.of(), deltaStatusMap);
    }

    /** Answers a watch from the snapshot; false (it stays open) when, over ADS, a name it asks for is not there yet. */
    private static boolean answered(Watch watch, Snapshot snapshot, Resources.ResourceType type) {
        Map<String, VersionedResource<?>> resources = snapshot.versionedResources(type);
        List<String> names = watch.request().getResourceNamesList();
        if (watch.ads() && !names.isEmpty() && !resources.keySet().containsAll(names)) {
            return false;
        }
        List<Message> chosen = (names.isEmpty() ? resources.values().stream()
                : names.stream().map(resources::get).filter(Objects::nonNull))
                .map(v -> (Message) v.resource()).toList();
        try {
            watch.respond(Response.create(watch.request(), chosen, snapshot.version(type, names)));
        } catch (WatchCancelledException e) {
            // the stream is gone: nothing to answer, drop the watch
        }
        return true;
    }
}

package io.strait.xds.ads;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;

/**
 * A discovery response serialized once, without its nonce: the body that every stream in the same state is sent.
 * Each stream appends its own nonce ({@link OutboundResponse}); protobuf's last-field-wins merge makes the appended
 * field the message's nonce, so thousands of streams share one serialization.
 *
 * @param typeUrl   the type it carries
 * @param version   {@code version_info} (state of the world) or {@code system_version_info} (delta)
 * @param body      the serialized response with no nonce
 * @param resources how many resources it carries
 * @param removed   how many removals it carries (delta)
 */
public record PreparedResponse(String typeUrl, String version, ByteString body, int resources, int removed) {

    /** A state-of-the-world response. */
    static PreparedResponse sotw(String typeUrl, String version, List<ServedResource> resources) {
        DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setVersionInfo(version).setTypeUrl(typeUrl);
        for (ServedResource r : resources) {
            b.addResources(r.any());
        }
        return new PreparedResponse(typeUrl, version, b.build().toByteString(), resources.size(), 0);
    }

    /** A delta response: each resource with its content hash as its version. */
    static PreparedResponse delta(String typeUrl, String version, Diffs.Delta content) {
        DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder().setSystemVersionInfo(version).setTypeUrl(typeUrl);
        for (ServedResource r : content.changed()) {
            b.addResources(Resource.newBuilder().setName(r.name()).setVersion(r.hash()).setResource(r.any()));
        }
        b.addAllRemovedResources(content.removed());
        return new PreparedResponse(typeUrl, version, b.build().toByteString(), content.changed().size(), content.removed().size());
    }
}

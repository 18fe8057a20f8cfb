package io.strait.bus.wire;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Arrays;

/**
 * The value format of {@code strait.xds.resources.v1}: one version byte, then the serialized
 * {@code google.protobuf.Any}. Binary rather than JSON because these are the bytes fronts ship to proxies.
 */
public final class ResourceCodec {
    static final byte VERSION = 1;

    private ResourceCodec() {
    }

    public static byte[] encode(byte[] serializedAny) {
        byte[] out = new byte[serializedAny.length + 1];
        out[0] = VERSION;
        System.arraycopy(serializedAny, 0, out, 1, serializedAny.length);
        return out;
    }

    /** The typed resource; throws IllegalArgumentException for a value this version cannot read. */
    public static Message decode(byte[] value) {
        if (value.length == 0 || value[0] != VERSION) {
            throw new IllegalArgumentException("xDS resource record has envelope version "
                    + (value.length == 0 ? "none" : value[0]) + "; this Strait reads " + VERSION);
        }
        try {
            Any any = Any.parseFrom(Arrays.copyOfRange(value, 1, value.length));
            XdsType type = XdsType.of(any.getTypeUrl())
                    .orElseThrow(() -> new IllegalArgumentException("unsupported resource type " + any.getTypeUrl()));
            return switch (type) {
                case CDS -> any.unpack(Cluster.class);
                case EDS -> any.unpack(ClusterLoadAssignment.class);
                case LDS -> any.unpack(Listener.class);
                case RDS -> any.unpack(RouteConfiguration.class);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("unreadable xDS resource record: " + e.getMessage(), e);
        }
    }
}

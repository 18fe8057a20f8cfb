package io.strait.translate.runner;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.bus.wire.ContentHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A route configuration's bus bytes ({@link ContentHash#serialize}: the resource packed in an {@code Any}), built from
 * its virtual hosts' bytes serialized once per instance. The scopes of a revision share their virtual hosts
 * ({@code MeshModel.derived}): row D's 50 namespaces each have a ~555 KB route configuration of the same 1,000 virtual
 * hosts but their own, so serializing each whole wrote 28 MB per revision where ~0.6 MB is distinct.
 *
 * <p>The bytes are those of {@link ContentHash#serialize}, byte for byte (so the content hash is too): a message's
 * serialization is its fields in field-number order, then its unknown fields; here {@code name} (1), each of
 * {@code virtual_hosts} (2), then the message without those two (fields 3 onwards and unknown fields). One instance
 * per publish: the memo holds the bytes of every virtual host it met until it is dropped.
 */
final class RouteConfigurationBytes {
    private static final String TYPE_URL = Any.pack(RouteConfiguration.getDefaultInstance()).getTypeUrl();
    private final Map<VirtualHost, ByteString> hosts = new IdentityHashMap<>();

    /** What {@code ContentHash.serialize(route)} returns. */
    byte[] serialize(RouteConfiguration route) {
        ByteString rest = route.toBuilder().clearName().clearVirtualHosts().build().toByteString();
        ByteString[] parts = new ByteString[route.getVirtualHostsCount()];
        int valueSize = rest.size();
        if (!route.getName().isEmpty()) {
            valueSize += CodedOutputStream.computeStringSize(RouteConfiguration.NAME_FIELD_NUMBER, route.getName());
        }
        for (int i = 0; i < parts.length; i++) {
            parts[i] = hosts.computeIfAbsent(route.getVirtualHosts(i), VirtualHost::toByteString);
            valueSize += CodedOutputStream.computeBytesSize(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, parts[i]);
        }
        if (valueSize == 0) {
            return ContentHash.serialize(route); // an empty route configuration: Any leaves out an empty value
        }
        int total = CodedOutputStream.computeStringSize(1, TYPE_URL) + CodedOutputStream.computeTagSize(2)
                + CodedOutputStream.computeUInt32SizeNoTag(valueSize) + valueSize;
        byte[] out = new byte[total];
        CodedOutputStream w = CodedOutputStream.newInstance(out);
        try {
            w.writeString(1, TYPE_URL); // Any.type_url
            w.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED); // Any.value: the route configuration's bytes
            w.writeUInt32NoTag(valueSize);
            if (!route.getName().isEmpty()) {
                w.writeString(RouteConfiguration.NAME_FIELD_NUMBER, route.getName());
            }
            for (ByteString part : parts) {
                w.writeBytes(RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER, part);
            }
            w.writeRawBytes(rest);
            w.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

package io.strait.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.wire.ResourceCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The content-addressed records a front holds from {@code strait.xds.resources.v1}: each resource once, by hash, as
 * the {@link Any} it is served as (every scope and response naming it shares that instance), and the bundles that
 * carry manifests' long lists. Not thread-safe: the poll thread's.
 */
final class HeldResources {
    private final Map<String, Any> resources = new HashMap<>();
    private final Map<String, ResourceBundle> bundles = new HashMap<>();

    /** A record's value; throws IllegalArgumentException for one that cannot be read. */
    void put(String hash, byte[] value) {
        if (ResourceBundle.isBundle(value)) {
            bundles.put(hash, ResourceBundle.decode(value));
            return;
        }
        ResourceCodec.decode(value); // checks the envelope and that it is a resource type a front serves
        try {
            resources.put(hash, Any.parseFrom(java.nio.ByteBuffer.wrap(value, 1, value.length - 1)));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("unreadable xDS resource record: " + e.getMessage(), e);
        }
    }

    Any resource(String hash) {
        return resources.get(hash);
    }

    boolean hasResource(String hash) {
        return resources.containsKey(hash);
    }

    ResourceBundle bundle(String hash) {
        return bundles.get(hash);
    }

    boolean hasBundle(String hash) {
        return bundles.containsKey(hash);
    }

    /** Every hash held, resources and bundles. */
    Set<String> hashes() {
        Set<String> held = new HashSet<>(resources.keySet());
        held.addAll(bundles.keySet());
        return held;
    }

    void forget(Set<String> hashes) {
        hashes.forEach(h -> {
            resources.remove(h);
            bundles.remove(h);
        });
    }

    int size() {
        return resources.size() + bundles.size();
    }
}

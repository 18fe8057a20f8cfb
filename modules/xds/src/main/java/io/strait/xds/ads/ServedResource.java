package io.strait.xds.ads;

import com.google.protobuf.Any;

/**
 * One resource as a front serves it: its name, its content hash (the per-resource version delta xDS reports, the same
 * on every front) and the resource packed as an {@link Any}. The {@code Any} is the one read from the bus, held once
 * per hash and shared by every scope and every response that carries it.
 *
 * @param name the resource's name (a cluster, a listener, a route configuration, a secret)
 * @param hash its content hash
 * @param any  the resource, packed
 */
public record ServedResource(String name, String hash, Any any) {
}

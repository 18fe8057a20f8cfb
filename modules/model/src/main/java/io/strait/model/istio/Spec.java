package io.strait.model.istio;

/** The {@code spec} of an Istio resource; one record per kind. */
public sealed interface Spec permits VirtualService, DestinationRule, ServiceEntry, Sidecar, WorkloadEntry, Gateway, GenericSpec, MeshConfig,
        PeerAuthentication, AuthorizationPolicy, RequestAuthentication {
}

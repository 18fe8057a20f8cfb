package io.strait.bench;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A delta-xDS simulated sidecar (DeltaAggregatedResources): CDS and LDS wildcard; EDS and RDS subscribed by name
 * as its clusters and listeners name them, and unsubscribed when those disappear; every response ACKed with its
 * nonce. What it holds is a {@link Held} shared with every proxy that went through the same responses: a
 * transition (held before, names added, names removed) is computed once for the fleet.
 */
final class DeltaProxy extends SimulatedProxy {
    /** Transitions already computed, shared by the fleet; restarted when large (states stay shared by identity). */
    private static final ConcurrentHashMap<Step, Transition> TRANSITIONS = new ConcurrentHashMap<>();

    private volatile StreamObserver<DeltaDiscoveryRequest> requests;
    private volatile Held clustersHeld = Held.EMPTY;
    private volatile Held listenersHeld = Held.EMPTY;

    /**
     * Names of a wildcard type the proxy holds, and the names they make it subscribe to (EDS clusters, route
     * configurations). Identity matters: equal histories share one instance.
     */
    static final class Held {
        static final Held EMPTY = new Held(Map.of(), Set.of());
        /** Each resource held, by name. */
        final Map<String, ResourceFacts> byName;
        final Set<String> derived;

        Held(Map<String, ResourceFacts> byName, Set<String> derived) {
            this.byName = byName;
            this.derived = derived;
        }
    }

    /** One response applied to a held state: its resources' facts (by bytes) and the names it removed. */
    record Step(Held from, List<ResourceFacts> added, List<String> removed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Step s && s.from == from && s.added.equals(added) && s.removed.equals(removed);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(from) * 31 + added.hashCode() * 17 + removed.hashCode();
        }
    }

    /** The state after a step, and the subscription changes it asks for. */
    record Transition(Held to, List<String> subscribe, List<String> unsubscribe) {
    }

    DeltaProxy(io.grpc.ManagedChannel channel, String id, String namespace, String app) {
        super(channel, id, namespace, app);
        open();
    }

    @Override
    synchronized void open() {
        clustersHeld = Held.EMPTY;
        listenersHeld = Held.EMPTY;
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse response) {
                onResponse(response);
            }

            @Override
            public void onError(Throwable t) {
                ended();
            }

            @Override
            public void onCompleted() {
                ended();
            }
        });
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsTypes.CDS));
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsTypes.LDS));
    }

    @Override
    int clusters() {
        return clustersHeld.byName.size();
    }

    @Override
    String describe() {
        return node.getId() + ": clusters=" + clusters();
    }

    private synchronized void send(DeltaDiscoveryRequest.Builder request) {
        requests.onNext(request.setNode(node).build());
    }

    private void onResponse(DeltaDiscoveryResponse response) {
        String typeUrl = response.getTypeUrl();
        int type = XdsTypes.index(typeUrl);
        List<FleetWatch.Awaited> awaited = received(type, response.getSerializedSize(), response::toByteArray, true);
        List<FleetWatch.Awaited> held = awaited.isEmpty() ? List.of() : new ArrayList<>(1);
        boolean wildcard = type == XdsTypes.CDS_INDEX || type == XdsTypes.LDS_INDEX;
        List<ResourceFacts> added = wildcard || !awaited.isEmpty() ? new ArrayList<>(response.getResourcesCount()) : null;
        for (Resource resource : response.getResourcesList()) {
            if (added != null) {
                ResourceFacts facts = ResourceFacts.of(typeUrl, resource.getResource());
                added.add(facts);
                match(facts, awaited, held);
            }
        }
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setResponseNonce(response.getNonce()));
        acked(held);
        if (!wildcard) {
            return;
        }
        Held before = type == XdsTypes.CDS_INDEX ? clustersHeld : listenersHeld;
        Step step = new Step(before, added, List.copyOf(response.getRemovedResourcesList()));
        if (TRANSITIONS.size() > 10_000) {
            TRANSITIONS.clear();
        }
        Transition t = TRANSITIONS.computeIfAbsent(step, s -> apply(s, type == XdsTypes.CDS_INDEX));
        if (type == XdsTypes.CDS_INDEX) {
            clustersHeld = t.to;
        } else {
            listenersHeld = t.to;
        }
        if (!t.subscribe.isEmpty() || !t.unsubscribe.isEmpty()) {
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(type == XdsTypes.CDS_INDEX ? XdsTypes.EDS : XdsTypes.RDS)
                    .addAllResourceNamesSubscribe(t.subscribe).addAllResourceNamesUnsubscribe(t.unsubscribe));
        }
    }

    /** What is held after the step, and which EDS / RDS names to subscribe and unsubscribe. */
    static Transition apply(Step step, boolean clusters) {
        Map<String, ResourceFacts> byName = new LinkedHashMap<>(step.from.byName);
        step.removed.forEach(byName::remove);
        step.added.forEach(f -> byName.put(f.name(), f));
        // clusters name their own EDS assignment; listeners the route configurations of their connection managers
        Set<String> derived = new LinkedHashSet<>();
        for (ResourceFacts f : byName.values()) {
            if (!clusters) {
                derived.addAll(f.routeNames());
            } else if (f.eds()) {
                derived.add(f.name());
            }
        }
        List<String> subscribe = derived.stream().filter(n -> !step.from.derived.contains(n)).toList();
        List<String> unsubscribe = step.from.derived.stream().filter(n -> !derived.contains(n)).toList();
        return new Transition(new Held(Map.copyOf(byName), Set.copyOf(derived)), subscribe, unsubscribe);
    }
}

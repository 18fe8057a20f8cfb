package io.strait.bench;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * A state-of-the-world simulated sidecar: CDS and LDS wildcard; EDS for its EDS clusters and RDS for the route
 * configurations its listeners name, resubscribed when those names change (with the last version and nonce received
 * for the type, as Envoy does); every response ACKed with its nonce.
 */
final class SotwProxy extends SimulatedProxy {
    private volatile StreamObserver<DiscoveryRequest> requests;
    private volatile List<String> edsNames = List.of();
    private volatile List<String> rdsNames = List.of();
    private volatile int clusters;
    /** Per type, the version and nonce of the last response received on this stream ("" before the first). */
    private final String[] lastVersion = {"", "", "", ""};
    private final String[] lastNonce = {"", "", "", ""};

    SotwProxy(io.grpc.ManagedChannel channel, String id, String namespace, String app) {
        super(channel, id, namespace, app);
        open();
    }

    @Override
    synchronized void open() {
        edsNames = List.of();
        rdsNames = List.of();
        clusters = 0;
        java.util.Arrays.fill(lastVersion, "");
        java.util.Arrays.fill(lastNonce, "");
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse response) {
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
        send(XdsTypes.CDS, List.of(), "", "");
        send(XdsTypes.LDS, List.of(), "", "");
    }

    @Override
    int clusters() {
        return clusters;
    }

    @Override
    String describe() {
        StringBuilder out = new StringBuilder(node.getId()).append(':');
        for (int t = 0; t < 4; t++) {
            out.append(' ').append(XdsTypes.SHORT[t]).append(" v=").append(lastVersion[t]).append(" n=").append(lastNonce[t]);
        }
        return out.append(" clusters=").append(clusters).append(" eds=").append(edsNames.size()).toString();
    }

    private synchronized void send(String type, List<String> names, String version, String nonce) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce).build());
    }

    private void onResponse(DiscoveryResponse response) {
        int type = XdsTypes.index(response.getTypeUrl());
        List<FleetWatch.Awaited> awaited = received(type, response.getSerializedSize(), response::toByteArray, false);
        List<FleetWatch.Awaited> held = awaited.isEmpty() ? List.of() : new ArrayList<>(1);
        lastVersion[type] = response.getVersionInfo();
        lastNonce[type] = response.getNonce();
        if (type == XdsTypes.CDS_INDEX || type == XdsTypes.LDS_INDEX) {
            // CDS names the EDS clusters to ask endpoints for, LDS the route configurations (as Envoy does)
            List<String> names = new ArrayList<>();
            for (var any : response.getResourcesList()) {
                ResourceFacts facts = ResourceFacts.of(response.getTypeUrl(), any);
                match(facts, awaited, held);
                if (type == XdsTypes.CDS_INDEX && facts.eds()) {
                    names.add(facts.name());
                } else {
                    facts.routeNames().forEach(n -> {
                        if (!names.contains(n)) {
                            names.add(n);
                        }
                    });
                }
            }
            send(response.getTypeUrl(), List.of(), response.getVersionInfo(), response.getNonce());
            acked(held);
            boolean eds = type == XdsTypes.CDS_INDEX;
            if (eds) {
                clusters = response.getResourcesCount();
            }
            List<String> before = eds ? edsNames : rdsNames;
            if (!before.equals(names) && !new HashSet<>(before).equals(new HashSet<>(names))) {
                List<String> shared = ResourceFacts.intern(names);
                if (eds) {
                    edsNames = shared;
                } else {
                    rdsNames = shared;
                }
                resubscribe(eds ? XdsTypes.EDS_INDEX : XdsTypes.RDS_INDEX, shared);
            }
        } else {
            // EDS, RDS: ACK what arrived, keeping the current subscription; read only what a watch awaits
            if (!awaited.isEmpty()) {
                for (var any : response.getResourcesList()) {
                    match(ResourceFacts.of(response.getTypeUrl(), any), awaited, held);
                }
            }
            send(response.getTypeUrl(), type == XdsTypes.EDS_INDEX ? edsNames : rdsNames, response.getVersionInfo(), response.getNonce());
            acked(held);
        }
    }

    /**
     * Asks for a new set of EDS or RDS names as Envoy does: with the version and nonce it last received for the type
     * (empty before the first response), so the front reads a subscription change on a stream it is serving, and
     * sends only what the new names add, not a new subscription's full state.
     */
    private void resubscribe(int type, List<String> names) {
        send(type == XdsTypes.EDS_INDEX ? XdsTypes.EDS : XdsTypes.RDS, names, lastVersion[type], lastNonce[type]);
    }
}

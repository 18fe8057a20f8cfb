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
 * configurations its listeners name, resubscribed when those names change; every response ACKed with its nonce.
 */
final class SotwProxy extends SimulatedProxy {
    private volatile StreamObserver<DiscoveryRequest> requests;
    private volatile List<String> edsNames = List.of();
    private volatile List<String> rdsNames = List.of();
    private volatile int clusters;

    SotwProxy(io.grpc.ManagedChannel channel, String id, String namespace, String app) {
        super(channel, id, namespace, app);
        open();
    }

    @Override
    synchronized void open() {
        edsNames = List.of();
        rdsNames = List.of();
        clusters = 0;
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

    private synchronized void send(String type, List<String> names, String version, String nonce) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce).build());
    }

    private void onResponse(DiscoveryResponse response) {
        int type = XdsTypes.index(response.getTypeUrl());
        FleetWatch watch = received(type, response.getSerializedSize(), response::toByteArray, false);
        String expect = watch != null && watch.type == type ? watch.expect : null;
        boolean holds = false;
        if (type == XdsTypes.CDS_INDEX || type == XdsTypes.LDS_INDEX) {
            // CDS names the EDS clusters to ask endpoints for, LDS the route configurations (as Envoy does)
            List<String> names = new ArrayList<>();
            for (var any : response.getResourcesList()) {
                ResourceFacts facts = ResourceFacts.of(response.getTypeUrl(), any);
                holds |= expect != null && facts.holds(expect);
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
            acked(watch, holds);
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
                send(eds ? XdsTypes.EDS : XdsTypes.RDS, shared, "", "");
            }
        } else {
            // EDS, RDS: ACK what arrived, keeping the current subscription; read only what a watch waits for
            if (expect != null) {
                for (var any : response.getResourcesList()) {
                    holds |= ResourceFacts.of(response.getTypeUrl(), any).holds(expect);
                }
            }
            send(response.getTypeUrl(), type == XdsTypes.EDS_INDEX ? edsNames : rdsNames, response.getVersionInfo(), response.getNonce());
            acked(watch, holds);
        }
    }
}

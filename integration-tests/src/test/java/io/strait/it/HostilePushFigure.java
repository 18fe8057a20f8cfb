package io.strait.it;

import static io.strait.it.HostileClients.LDS;
import static io.strait.it.HostileClients.RDS;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.cli.runtime.StraitNode;
import io.strait.xds.FrontLimits;
import io.strait.xds.FrontSecurity;
import io.strait.xds.XdsFront;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's figure (not a {@code *Test}: it runs only when named): 50 well-behaved ADS clients, each on its own
 * connection, ACKing every route push; the time from a VirtualService write to each client's receipt of the new
 * routes, for 20 revisions on a clean front, then 20 more while hostile clients run against the same front (a client
 * that stops reading, over and over; 1,000 streams on one connection; requests naming 100,000 resources, unknown
 * types and malformed nodes in a loop). Same JVM, same machine, same run: the p99 ratio is what counts.
 */
class HostilePushFigure {
    private static final int CLIENTS = 50;
    private static final int REVISIONS = 20;

    /** A well-behaved client: ACKs at once and records when each routes version first arrived. */
    private static final class Client {
        final ManagedChannel channel;
        final StreamObserver<DiscoveryRequest> requests;
        final ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();

        Client(int port, int i) {
            Node node = RawAdsStream.GRPC_CLIENT.toBuilder().setId("sidecar~127.0.1." + i + "~app-" + i + ".bookinfo~bookinfo.svc.cluster.local").build();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            StreamObserver<DiscoveryRequest>[] self = new StreamObserver[1];
            requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
                public void onNext(DiscoveryResponse r) {
                    arrived.putIfAbsent(r.getVersionInfo(), System.nanoTime());
                    synchronized (self) {
                        self[0].onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY)
                                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
                    }
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            });
            self[0] = requests;
            synchronized (self) {
                requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY).build());
            }
        }
    }

    @Test
    void pushLatencyOfWellBehavedClientsWithAndWithoutHostileOnes(@TempDir Path tmp) throws Exception {
        FrontLimits limits = FrontLimits.defaults().withPending(256 * 1024, Duration.ofSeconds(2));
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-main", false);
             XdsFront front = new XdsFront(node.bus(), "127.0.0.1", 0, "front-figure", new SimpleMeterRegistry(), 6_000,
                     FrontSecurity.plaintextOnly(), limits).start()) {
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Client(front.port(), i));
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> clients.stream().allMatch(c -> !c.arrived.isEmpty()));
            int[] weight = {0};
            measure(mesh, clients, 3, weight); // warm-up
            List<Long> clean = measure(mesh, clients, REVISIONS, weight);
            AtomicBoolean stop = new AtomicBoolean();
            Thread hostile = new Thread(() -> hostileLoad(front.port(), stop), "hostile-load");
            hostile.setDaemon(true);
            hostile.start();
            List<Long> underAttack;
            try {
                underAttack = measure(mesh, clients, REVISIONS, weight);
            } finally {
                stop.set(true);
                hostile.join(30_000);
            }
            long p99Clean = p99(clean);
            long p99Hostile = p99(underAttack);
            System.out.printf("FIGURE clean: p50 %.1f ms p99 %.1f ms (%d samples); with hostile clients: p50 %.1f ms p99 %.1f ms (%d samples);"
                            + " p99 ratio %.2f%n", p50(clean) / 1e6, p99Clean / 1e6, clean.size(), p50(underAttack) / 1e6,
                    p99Hostile / 1e6, underAttack.size(), (double) p99Hostile / p99Clean);
            clients.forEach(c -> c.channel.shutdownNow());
        }
    }

    /** Writes {@code n} revisions one after another; per revision and client, write → new routes received. */
    private static List<Long> measure(MeshFixture mesh, List<Client> clients, int n, int[] weight) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            clients.forEach(c -> seen.addAll(c.arrived.keySet()));
            weight[0] = (weight[0] + 1) % 60;
            long t0 = System.nanoTime();
            mesh.writeVirtualService(MeshFixture.split(20 + weight[0], 10, 70 - weight[0]));
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                    .until(() -> clients.stream().allMatch(c -> c.arrived.keySet().stream().anyMatch(v -> !seen.contains(v))));
            for (Client c : clients) {
                c.arrived.forEach((v, at) -> {
                    if (!seen.contains(v)) {
                        out.add(at - t0);
                    }
                });
            }
        }
        return out;
    }

    /** Every hostile client of issue 15, again and again, until told to stop. */
    private static void hostileLoad(int port, AtomicBoolean stop) {
        ManagedChannel thousand = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        var stub = AggregatedDiscoveryServiceGrpc.newStub(thousand);
        for (int i = 0; i < 1_000; i++) {
            stub.streamAggregatedResources(new StreamObserver<>() {
                public void onNext(DiscoveryResponse r) {
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            }).onNext(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
        }
        DiscoveryRequest.Builder many = DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS);
        for (int i = 0; i < 100_000; i++) {
            many.addResourceNames("r" + i);
        }
        List<DiscoveryRequest> refused = List.of(many.build(),
                DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl("type.googleapis.com/acme.Widget").build(),
                DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("just-a-name")).setTypeUrl(LDS).build());
        try {
            while (!stop.get()) {
                try (HostileClients.NeverReads stuck = new HostileClients.NeverReads(port, HostileClients.STUCK)) {
                    DiscoveryResponse first = stuck.first.get(30, TimeUnit.SECONDS);
                    int next = Integer.parseInt(first.getNonce());
                    for (int round = 0; round < 10 && !stop.get(); round++) {
                        stuck.demand(next, next + 199);
                        next += 200;
                        for (DiscoveryRequest bad : refused) {
                            try (RawAdsStream ads = new RawAdsStream(port)) {
                                ads.send(bad);
                                ads.ending(30);
                            }
                        }
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("hostile load stopped: " + e);
        } finally {
            thousand.shutdownNow();
        }
    }

    private static long p99(List<Long> xs) {
        return percentile(xs, 0.99);
    }

    private static long p50(List<Long> xs) {
        return percentile(xs, 0.50);
    }

    private static long percentile(List<Long> xs, double p) {
        List<Long> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}

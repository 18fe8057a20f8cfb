package io.strait.it;

import static io.strait.it.HostileClients.LDS;
import static io.strait.it.HostileClients.RDS;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 15's hostile xDS clients as a load generator of their own, run in a JVM apart from the front (see
 * {@link HostileLoadProcess}) so that what they cost to make is not counted as what they cost the front. Every client
 * runs on its own thread, again and again, until the process is stopped:
 *
 * <ul>
 *   <li><b>stuck</b>: takes its first listeners and never reads again, while asking for a full response 95 times a
 *   second (just under the front's 100 a second per stream, so the rate never ends it: the front's pending bound or
 *   its stuck timer must); a new one every {@value #STUCK_LIFE_SECONDS} s;</li>
 *   <li><b>thousand</b>: 1,000 ADS streams on one connection, each asking for listeners, held open;</li>
 *   <li><b>refused</b>: each on a new connection, one after another: a request naming 100,000 resources, an unknown
 *   type URL, a malformed node id, a message over the front's 4 MiB;</li>
 *   <li><b>flood</b>: a client in a request loop, ACKing its listeners as fast as it can on one stream, ended by the
 *   front's request rate, then again.</li>
 * </ul>
 *
 * <p>It prints {@code READY} once every client has been served or refused once, then a {@code COUNTS} line every
 * second and when stopped (SIGTERM): what it made the front handle, so a figure can say what load it measured under
 * (at nice 19 the generator gets only the CPU the front leaves, so its rates depend on the machine).
 *
 * <p>Arguments: {@code <front port>}.
 */
public final class HostileLoad {
    static final int STUCK_LIFE_SECONDS = 32;
    /** Requests a second the stuck client sends: under the front's default 100. */
    private static final int STUCK_ASKS_PER_SECOND = 95;

    private final int port;
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
    private final CountDownLatch ready = new CountDownLatch(4);

    private HostileLoad(int port) {
        this.port = port;
        for (String name : List.of("stuck_lives", "stuck_asks", "thousand_responses", "names_100k", "unknown_type",
                "malformed_node", "oversized", "flood_streams", "flood_requests", "errors")) {
            counts.put(name, new AtomicLong());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HostileLoad <front port>");
            System.exit(2);
        }
        HostileLoad load = new HostileLoad(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("COUNTS " + load.counts), "hostile-counts"));
        List<Thread> threads = new ArrayList<>();
        threads.add(daemon("hostile-stuck", load::stuck));
        threads.add(daemon("hostile-thousand", load::thousand));
        threads.add(daemon("hostile-refused", load::refused));
        threads.add(daemon("hostile-flood", load::flood));
        threads.forEach(Thread::start);
        if (!load.ready.await(120, TimeUnit.SECONDS)) {
            System.out.println("NOT READY after 120 s " + load.counts);
            System.exit(1);
        }
        System.out.println("READY");
        System.out.println("COUNTS " + load.counts); // the baseline a figure's phase starts from
        System.out.flush();
        while (true) {
            Thread.sleep(1_000); // a generator's report period, not a test's wait
            System.out.println("COUNTS " + load.counts);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private void count(String name) {
        counts.get(name).incrementAndGet();
    }

    /** The client that never reads: a full response asked for 95 times a second, for a life each. */
    private void stuck() {
        boolean first = true;
        while (true) {
            try (HostileClients.NeverReads stuck = new HostileClients.NeverReads(port, HostileClients.STUCK)) {
                DiscoveryResponse response = stuck.first.get(30, TimeUnit.SECONDS);
                count("stuck_lives");
                if (first) {
                    ready.countDown();
                    first = false;
                }
                int next = Integer.parseInt(response.getNonce());
                long started = System.nanoTime();
                long life = TimeUnit.SECONDS.toNanos(STUCK_LIFE_SECONDS);
                int batch = STUCK_ASKS_PER_SECOND / 5;
                for (long tick = 1; System.nanoTime() - started < life; tick++) {
                    stuck.demand(next, next + batch - 1);
                    next += batch;
                    counts.get("stuck_asks").addAndGet(batch);
                    // pacing: the next batch is due 200 ms after this one
                    long due = started + tick * TimeUnit.MILLISECONDS.toNanos(200);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            } catch (Exception e) {
                count("errors");
                System.out.println("stuck client: " + e);
            }
        }
    }

    /** 1,000 streams on one connection, held; the ones the front takes are served. */
    private void thousand() {
        ManagedChannel one = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        var stub = AggregatedDiscoveryServiceGrpc.newStub(one);
        for (int i = 0; i < 1_000; i++) {
            stub.streamAggregatedResources(new StreamObserver<>() {
                public void onNext(DiscoveryResponse r) {
                    if (counts.get("thousand_responses").getAndIncrement() == 0) {
                        ready.countDown();
                    }
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            }).onNext(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
        }
    }

    /** Requests the front refuses, each on a new connection, in a loop. */
    private void refused() {
        DiscoveryRequest.Builder many = DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS);
        for (int i = 0; i < 100_000; i++) {
            many.addResourceNames("r" + i);
        }
        Map<String, DiscoveryRequest> refused = new LinkedHashMap<>();
        refused.put("names_100k", many.build());
        refused.put("unknown_type", DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT)
                .setTypeUrl("type.googleapis.com/acme.Widget").build());
        refused.put("malformed_node", DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("just-a-name")).setTypeUrl(LDS).build());
        refused.put("oversized", DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS)
                .addResourceNames("x".repeat(4 * 1024 * 1024 + 1024)).build());
        boolean first = true;
        while (true) {
            for (Map.Entry<String, DiscoveryRequest> bad : refused.entrySet()) {
                try (RawAdsStream ads = new RawAdsStream(port)) {
                    ads.send(bad.getValue());
                    if (ads.ending(30) != null) {
                        count(bad.getKey());
                    }
                } catch (Exception e) {
                    count("errors");
                    System.out.println("refused " + bad.getKey() + ": " + e);
                }
            }
            if (first) {
                ready.countDown();
                first = false;
            }
        }
    }

    /** A request loop on one stream (repeated ACKs, which cost the front no response), until the front ends it. */
    private void flood() {
        boolean first = true;
        while (true) {
            try (RawAdsStream flood = new RawAdsStream(port)) {
                flood.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
                DiscoveryResponse listeners = flood.next(30);
                if (listeners == null) {
                    count("errors");
                    continue;
                }
                count("flood_streams");
                DiscoveryRequest again = DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS)
                        .setVersionInfo(listeners.getVersionInfo()).setResponseNonce(listeners.getNonce()).build();
                long started = System.nanoTime();
                while (flood.endedNow() == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                    for (int i = 0; i < 50; i++) {
                        flood.send(again);
                    }
                    counts.get("flood_requests").addAndGet(50);
                }
                flood.ending(30);
                if (first) {
                    ready.countDown();
                    first = false;
                }
            } catch (Exception e) {
                count("errors");
                System.out.println("flood: " + e);
            }
        }
    }
}

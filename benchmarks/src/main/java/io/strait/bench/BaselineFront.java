package io.strait.bench;

import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.XdsResources;
import io.strait.xds.NodeIdentities;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The baseline the load harness measures Strait against: java-control-plane used the way most Java users use it —
 * one {@link SimpleCache} snapshot per connected proxy (grouped by node id), every snapshot rebuilt from the whole
 * mesh on every config change with a new version, in one process without a bus. It translates with Strait's own
 * {@link ScopeTranslator}, so both serve the same resources and only the architecture differs. It watches the
 * config folder by polling (a change is seen within 20 ms) and serves {@code /healthz} and {@code /debug/heap}
 * (used heap after a full GC) on its admin port.
 *
 * <p>Usage: {@code BaselineFront <config dir> <xds port> <admin port>}; the harness starts it in its own JVM.
 */
public final class BaselineFront {
    private final SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    private final Map<String, ProxyIdentity> nodes = new ConcurrentHashMap<>();
    private final ScopeTranslator translator = new ScopeTranslator();
    private final AtomicLong version = new AtomicLong();
    private volatile MeshModel model;

    public static void main(String[] args) throws Exception {
        new BaselineFront().run(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }

    private void run(Path config, int xdsPort, int adminPort) throws Exception {
        model = load(config);
        V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
            @Override
            public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
                if (request.hasNode()) {
                    register(request.getNode());
                }
            }

            @Override
            public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
                if (request.hasNode()) {
                    register(request.getNode());
                }
            }
        }, cache);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", xdsPort))
                .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", adminPort), 0);
        admin.createContext("/healthz", x -> answer(x, "ok"));
        admin.createContext("/debug/heap", x -> {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            answer(x, String.valueOf(rt.totalMemory() - rt.freeMemory()));
        });
        admin.start();
        long signature = signature(config);
        while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(20);
            long now = signature(config);
            if (now != signature) {
                signature = now;
                MeshModel next = load(config);
                model = next;
                long v = version.incrementAndGet();
                // the common way: every proxy's snapshot rebuilt and replaced, whatever changed
                nodes.values().forEach(identity -> rebuild(identity, next, v));
            }
        }
        server.shutdownNow();
    }

    /** A proxy seen for the first time gets its snapshot (state of the world and delta streams alike). */
    private void register(io.envoyproxy.envoy.config.core.v3.Node node) {
        if (!nodes.containsKey(node.getId())) {
            ProxyIdentity identity = NodeIdentities.of(node);
            nodes.put(identity.proxyId(), identity);
            rebuild(identity, model, version.get());
        }
    }

    private void rebuild(ProxyIdentity identity, MeshModel mesh, long v) {
        XdsResources r = translator.translate(mesh, identity);
        String ver = String.valueOf(v);
        cache.setSnapshot(identity.proxyId(), Snapshot.create(r.clusters(), ver, r.endpoints(), ver, r.listeners(), ver,
                r.routes(), ver, List.of(), ver));
    }

    private static MeshModel load(Path config) throws IOException {
        return MeshModel.of(ConfigLoader.load(config).resources().stream().map(LoadedResource::resource).toList());
    }

    /** A cheap change detector: file count and newest modification time. */
    private static long signature(Path config) throws IOException {
        try (Stream<Path> files = Files.walk(config)) {
            long[] acc = {0, 0};
            files.filter(Files::isRegularFile).forEach(f -> {
                acc[0]++;
                try {
                    acc[1] = Math.max(acc[1], Files.getLastModifiedTime(f).toMillis() * 1_000 + Files.size(f));
                } catch (IOException e) {
                    acc[1]++;
                }
            });
            return acc[0] * 31 + acc[1];
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange x, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }
}

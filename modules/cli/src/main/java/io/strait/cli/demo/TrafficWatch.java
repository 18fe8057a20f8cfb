package io.strait.cli.demo;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.StringMatch;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calls every service of the mesh through Strait with a proxyless gRPC client and prints, once a second, which
 * backends answered: plain requests, and requests carrying each exact header match the VirtualServices route on.
 */
public final class TrafficWatch implements AutoCloseable {
    private static final int CALLS_PER_ROUND = 100;

    private final List<Probe> probes = new ArrayList<>();
    private final List<ProxylessClient> clients = new ArrayList<>();
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean running = true;

    private record Probe(String label, ProxylessClient client, Map<String, String> headers) {
    }

    public TrafficWatch(GrpcBootstrap bootstrap, MeshModel model, PrintStream out) {
        this(bootstrap, io.grpc.InsecureChannelCredentials.create(), model, out);
    }

    /** A watch whose clients dial with {@code credentials} ({@code XdsChannelCredentials} in a secured mesh). */
    public TrafficWatch(GrpcBootstrap bootstrap, io.grpc.ChannelCredentials credentials, MeshModel model, PrintStream out) {
        this.out = out;
        for (MeshModel.Service service : model.services()) {
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                String authority = service.host() + ":" + port.number();
                ProxylessClient client = new ProxylessClient(bootstrap, authority, credentials);
                clients.add(client);
                String shortName = service.host().split("\\.")[0];
                probes.add(new Probe(shortName, client, Map.of()));
                model.virtualServiceFor(service.host()).ifPresent(vs -> headerMatches(vs).forEach(h ->
                        probes.add(new Probe(shortName + " [" + h.keySet().iterator().next() + "=" + h.values().iterator().next() + "]", client, h))));
            }
        }
        this.thread = new Thread(this::loop, "strait-demo-client");
        this.thread.setDaemon(true);
    }

    public TrafficWatch start() {
        thread.start();
        return this;
    }

    private static List<Map<String, String>> headerMatches(IstioResource vs) {
        List<Map<String, String>> out = new ArrayList<>();
        for (VirtualService.HttpRoute route : ((VirtualService) vs.spec()).http()) {
            for (VirtualService.HttpMatchRequest m : route.match()) {
                for (Map.Entry<String, StringMatch> h : m.headers().entrySet()) {
                    if (h.getValue().exact() != null) {
                        out.add(Map.of(h.getKey(), h.getValue().exact()));
                    }
                }
            }
        }
        return out;
    }

    private void loop() {
        while (running) {
            long start = System.currentTimeMillis();
            StringBuilder line = new StringBuilder();
            for (Probe p : probes) {
                Map<String, Integer> counts = new TreeMap<>();
                for (int i = 0; i < CALLS_PER_ROUND && running; i++) {
                    String answer;
                    try {
                        answer = p.client().call(p.headers(), 1000);
                    } catch (RuntimeException e) {
                        answer = "error";
                    }
                    counts.merge(answer, 1, Integer::sum);
                }
                line.append(line.length() == 0 ? "" : "   ").append(p.label()).append(": ").append(format(counts));
            }
            if (running) {
                out.println("traffic  " + line);
            }
            long left = 1000 - (System.currentTimeMillis() - start);
            if (left > 0) {
                try {
                    Thread.sleep(left); // pacing the once-a-second report, not waiting for an outcome
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static String format(Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, String> parts = new LinkedHashMap<>();
        counts.forEach((k, v) -> parts.put(k, Math.round(100.0 * v / total) + "%"));
        return parts.toString().replace("{", "").replace("}", "").replace("=", " ");
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        clients.forEach(ProxylessClient::close);
    }
}

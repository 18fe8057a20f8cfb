package io.strait.cli.demo;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real gRPC servers at the endpoints that static ServiceEntries name on this machine (loopback addresses only),
 * each answering with its {@code version} label (or its address when it has none).
 */
public final class Backends implements AutoCloseable {
    private final List<Server> servers = new ArrayList<>();
    /** Each started address:port and the name it answers, in start order. */
    private final java.util.Map<String, String> started = new java.util.LinkedHashMap<>();

    /** Starts a backend at every loopback endpoint of every STATIC ServiceEntry of the model. */
    public static Backends forModel(MeshModel model) throws IOException {
        Backends backends = new Backends();
        for (MeshModel.Service service : model.services()) {
            if (!"STATIC".equals(service.entry().resolution())) {
                continue;
            }
            for (ServiceEntry.WorkloadEntry e : service.entry().endpoints()) {
                if (!e.address().startsWith("127.")) {
                    continue; // never bind or send anywhere but this machine
                }
                for (ServiceEntry.ServicePort port : service.entry().ports()) {
                    int target = e.ports().getOrDefault(port.name(), port.targetPort() != null ? port.targetPort() : port.number());
                    String name = e.labels().getOrDefault("version", e.address() + ":" + target);
                    if (!backends.started.containsKey(e.address() + ":" + target)) {
                        backends.start(e.address(), target, name); // an endpoint two services share: its first name
                    }
                }
            }
        }
        return backends;
    }

    /**
     * Starts one backend answering {@code name}; asked again for the same address, port and name, does nothing. An
     * address and port that already answer another name is refused: silently keeping the first would make every call
     * meant for {@code name} answered by the other (a test whose two free ports came out equal once saw its v2 subset
     * served by v1).
     */
    public void start(String address, int port, String name) throws IOException {
        String key = address + ":" + port;
        String answering = started.get(key);
        if (answering != null) {
            if (!answering.equals(name)) {
                throw new IllegalStateException(key + " already answers " + answering + ", so it cannot answer " + name);
            }
            return;
        }
        servers.add(NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
                .addService(EchoService.answering(name)).build().start());
        started.put(key, name);
    }

    public List<String> addresses() {
        return List.copyOf(started.keySet());
    }

    @Override
    public void close() {
        servers.forEach(Server::shutdownNow);
        for (Server s : servers) {
            try {
                s.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

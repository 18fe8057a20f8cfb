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
    private final List<String> started = new ArrayList<>();

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
                    backends.start(e.address(), target, name);
                }
            }
        }
        return backends;
    }

    /** Starts one backend answering {@code name}. */
    public void start(String address, int port, String name) throws IOException {
        String key = address + ":" + port;
        if (started.contains(key)) {
            return;
        }
        servers.add(NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
                .addService(EchoService.answering(name)).build().start());
        started.add(key);
    }

    public List<String> addresses() {
        return List.copyOf(started);
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

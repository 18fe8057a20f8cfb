package io.strait.cli;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.TrafficWatch;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strait demo}: {@code up}, plus the sample workloads in the same process — a gRPC backend at every
 * loopback endpoint the config's ServiceEntries name, and a proxyless gRPC client that calls each service and
 * prints the traffic split once a second. Edit the config folder and watch the split change.
 */
@Command(name = "demo", description = "Run `up` plus sample backends and a proxyless gRPC client; print the live traffic split.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    NodeFlags flags;

    @Override
    public Integer call() throws Exception {
        if (!flags.plaintextXds) {
            throw new IllegalArgumentException("strait demo's clients use the plaintext xDS port: drop --plaintext-xds=false");
        }
        StraitNode node = UpCommand.Launch.start(flags, EnumSet.allOf(Role.class));
        MeshModel model = MeshModel.of(ConfigLoader.load(flags.config, new io.strait.ingest.load.ParseCache(), flags.meshConfig).resources().stream().map(LoadedResource::resource).toList());
        Backends backends = Backends.forModel(model);
        System.out.println("  backends   " + String.join(", ", backends.addresses()));
        GrpcBootstrap bootstrap = GrpcBootstrap.forWorkload(flags.bind + ":" + node.xdsPort(), "demo-client", "bookinfo",
                Map.of("app", "demo-client"));
        TrafficWatch watch = new TrafficWatch(bootstrap, model, System.out).start();
        System.out.println("Calling every service through Strait; edit " + flags.config + " and watch the split. Ctrl-C to stop.");
        return UpCommand.Launch.runUntilInterrupted(node, () -> {
            watch.close();
            backends.close();
        });
    }
}

package io.strait.cli;

import io.grpc.InsecureChannelCredentials;
import io.grpc.xds.XdsChannelCredentials;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.agent.role.WorkloadAgent;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.MeshAgents;
import io.strait.cli.demo.SecureBackends;
import io.strait.cli.demo.TrafficWatch;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strait demo}: {@code up}, plus the sample workloads in the same process — a gRPC backend at every
 * loopback endpoint the config's ServiceEntries name, and a proxyless gRPC client that calls each service and
 * prints the traffic split once a second. Edit the config folder and watch the split change.
 *
 * <p>With {@code --secure} (on {@value #SECURE_SAMPLE} unless {@code --config} says otherwise) every workload is a
 * mesh identity: a {@code strait agent} each, grpc-xds servers with xDS server credentials on their WorkloadEntries'
 * ports, and the client's calls with xDS channel credentials through its own agent — mTLS where Strait says so.
 * Each server prints the SPIFFE id it saw in the TLS session; each agent prints its certificate rotations.
 */
@Command(name = "demo", description = "Run `up` plus sample backends and a proxyless gRPC client; print the live traffic split.")
public final class DemoCommand implements Callable<Integer> {
    static final String SECURE_SAMPLE = "samples/secure-bookinfo";
    /** The demo client's namespace and service account (its identity under {@code --secure}). */
    private static final String CLIENT_NAMESPACE = "bookinfo";
    private static final String CLIENT = "demo-client";

    @Mixin
    NodeFlags flags;

    @Spec
    CommandSpec spec;

    @Option(names = "--secure", description = "Secured demo: every workload gets its certificate from Strait's CA through its own "
            + "`strait agent` and calls go over mTLS (config " + SECURE_SAMPLE + " unless --config is given).")
    boolean secure;

    @Option(names = "--cert-ttl", defaultValue = "5m", description = "With --secure: lifetime of the workload certificates, "
            + "renewed at half of it, short so that a rotation shows (default: ${DEFAULT-VALUE}).")
    String certTtl;

    @Override
    public Integer call() throws Exception {
        if (secure && !spec.commandLine().getParseResult().hasMatchedOption("--config")) {
            flags.config = Path.of(SECURE_SAMPLE);
        }
        Duration ttl = secure ? certTtl() : null;
        if (!secure && !flags.plaintextXds) {
            throw new IllegalArgumentException("strait demo's clients use the plaintext xDS port: drop --plaintext-xds=false "
                    + "(or run the secured demo, --secure, whose workloads reach the secure port through their agents)");
        }
        StraitNode node = UpCommand.Launch.start(flags, EnumSet.allOf(Role.class));
        MeshModel model = MeshModel.of(ConfigLoader.load(flags.config, new io.strait.ingest.load.ParseCache(), flags.meshConfig).resources().stream().map(LoadedResource::resource).toList());
        return secure ? runSecure(node, model, ttl) : runPlain(node, model);
    }

    private int runPlain(StraitNode node, MeshModel model) throws Exception {
        Backends backends = Backends.forModel(model);
        System.out.println("  backends   " + String.join(", ", backends.addresses()));
        GrpcBootstrap bootstrap = GrpcBootstrap.forWorkload(flags.bind + ":" + node.xdsPort(), CLIENT, CLIENT_NAMESPACE,
                Map.of("app", CLIENT));
        TrafficWatch watch = new TrafficWatch(bootstrap, model, System.out).start();
        System.out.println("Calling every service through Strait; edit " + flags.config + " and watch the split. Ctrl-C to stop.");
        return UpCommand.Launch.runUntilInterrupted(node, () -> {
            watch.close();
            backends.close();
        });
    }

    private int runSecure(StraitNode node, MeshModel model, Duration ttl) throws Exception {
        MeshAgents agents = new MeshAgents(node.ca(), flags.bind + ":" + node.ca().securePort(), flags.dataDir.resolve("agents"),
                ttl, System.out);
        SecureBackends backends;
        TrafficWatch watch;
        try {
            backends = SecureBackends.forModel(model, agents, System.out);
            if (!backends.awaitServing(Duration.ofSeconds(30))) {
                System.out.println("  (some servers have no inbound listener from Strait yet: see " + flags.dataDir.resolve("strait.log") + ")");
            }
            WorkloadAgent client = agents.start(CLIENT, CLIENT_NAMESPACE, CLIENT, Map.of("app", CLIENT));
            // xDS credentials: the client's clusters say whether to use mTLS (auto mTLS to STRICT servers) and with which certificate
            watch = new TrafficWatch(client.bootstrap(), XdsChannelCredentials.create(InsecureChannelCredentials.create()), model,
                    System.out).start();
        } catch (Exception e) {
            agents.close();
            node.close();
            throw e;
        }
        System.out.println("Calling every service through Strait over mTLS as spiffe://" + node.ca().trustDomain() + "/ns/"
                + CLIENT_NAMESPACE + "/sa/" + CLIENT + "; certificates last " + certTtl + " and rotate at half of it. Edit "
                + flags.config + " and watch. Ctrl-C to stop.");
        return UpCommand.Launch.runUntilInterrupted(node, () -> {
            watch.close();
            backends.close();
            agents.close();
        });
    }

    private Duration certTtl() {
        long nanos = io.strait.model.istio.Durations.nanos(certTtl);
        if (nanos < 0) {
            throw new IllegalArgumentException("--cert-ttl " + certTtl + " is not a duration: write it like 5m, 90s or 1h");
        }
        if (nanos < 10_000_000_000L) {
            throw new IllegalArgumentException("--cert-ttl " + certTtl + " is too short: at least 10s, so a renewal has time to finish");
        }
        return Duration.ofNanos(nanos);
    }
}

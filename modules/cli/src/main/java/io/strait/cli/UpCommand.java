package io.strait.cli;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.runtime.ConsoleLogging;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code strait up}: every role in one process, on the embedded broker unless {@code --kafka} is given. */
@Command(name = "up", description = "Run every role (ingest, translate, xDS, CA) in one process, with an embedded Kafka broker.")
public final class UpCommand implements Callable<Integer> {
    @Mixin
    NodeFlags flags;

    @Override
    public Integer call() throws Exception {
        StraitNode node = Launch.start(flags, EnumSet.allOf(Role.class));
        Launch.printBootstrapHint(node, flags);
        return Launch.runUntilInterrupted(node, null);
    }

    /** Start-up and shut-down shared by up, demo and run. */
    static final class Launch {
        private Launch() {
        }

        static StraitNode start(NodeFlags flags, EnumSet<Role> roles) throws Exception {
            flags.splitConfigs();
            if (roles.contains(Role.INGEST) && flags.config != null && !Files.isDirectory(flags.config)) {
                throw new IllegalArgumentException("config folder " + flags.config.toAbsolutePath()
                        + " does not exist; pass --config DIR or run from the Strait checkout");
            }
            if (roles.contains(Role.INGEST) && flags.meshConfig != null && !Files.isRegularFile(flags.meshConfig)) {
                throw new IllegalArgumentException("--mesh-config " + flags.meshConfig.toAbsolutePath() + " is not a file");
            }
            Files.createDirectories(flags.dataDir);
            if ("-".equals(flags.logFile)) {
                ConsoleLogging.toStdout();
            } else {
                ConsoleLogging.toFile(flags.logFile != null ? Path.of(flags.logFile) : flags.dataDir.resolve("strait.log"));
            }
            long t0 = System.nanoTime();
            StraitNode node = new StraitNode(flags.options(roles)).withRollouts(flags.rollouts())
                    .withReplicationFactor(flags.replicationFactor).withAdminBind(flags.adminBind)
                    .withJanitorRetention(flags.janitorRetention()).start();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("Strait %s: %s started in %.1f s%n", VersionCommand.VERSION, roles.toString().toLowerCase(), seconds);
            System.out.println("  kafka      " + (flags.kafka == null ? "embedded broker at " + node.bootstrapServers()
                    + " (data in " + flags.dataDir + ")" : node.bootstrapServers()));
            if (roles.contains(Role.INGEST)) {
                if (flags.config != null) {
                    System.out.println("  ingest     watching " + flags.config + " as " + flags.options(roles).sourceName()
                            + (flags.meshConfig == null ? "" : ", MeshConfig from " + flags.meshConfig));
                }
                flags.options(roles).gitSources().forEach(g -> System.out.println("  ingest     following " + g.sourceName()
                        + " every " + g.poll().toSeconds() + " s"));
                flags.options(roles).kubernetesSources().forEach(k -> System.out.println("  ingest     reading cluster " + k.cluster()
                        + (k.network().isEmpty() ? "" : " (network " + k.network() + ")") + (k.config() ? ", its Istio objects as " + k.sourceName() : "")));
            }
            if (roles.contains(Role.XDS)) {
                System.out.println("  xds        " + (node.xdsPort() > 0 ? "ADS (gRPC, plaintext) on " + flags.bind + ":" + node.xdsPort() + "; "
                        : "plaintext port off; ") + (node.secureXdsPort() > 0 ? "ADS over mTLS on " + flags.bind + ":" + node.secureXdsPort()
                        + " (mesh certificate required)" : "no secure port (give --identity-dir DIR)")
                        + (flags.secretDir != null ? "; credentialName secrets from " + flags.secretDir : ""));
            }
            if (node.ca() != null) {
                System.out.println("  ca         CSR API (gRPC over TLS) on " + flags.bind + ":" + node.ca().securePort() + ", trust domain "
                        + node.ca().trustDomain() + ", root " + node.ca().keys().rootFingerprint().substring(0, 23) + "… ("
                        + (flags.caDir != null ? "plugged-in CA " + flags.caDir : "kept in " + flags.dataDir.resolve("ca")) + ")");
            }
            if (node.adminPort() > 0) {
                System.out.println("  admin      http://127.0.0.1:" + node.adminPort() + "/status");
            }
            System.out.println("  log        " + flags.dataDir.resolve("strait.log"));
            return node;
        }

        static void printBootstrapHint(StraitNode node, NodeFlags flags) {
            if (node.xdsPort() < 0) {
                // grpc-java cannot present a client certificate from its bootstrap (STACK.md): it needs the agent's local proxy
                System.out.println("Plaintext xDS is off: proxies reach the secure port " + flags.bind + ":" + node.secureXdsPort()
                        + " with a mesh certificate (strait agent's local xDS proxy for proxyless gRPC). Press Ctrl-C to stop.");
                return;
            }
            GrpcBootstrap b = GrpcBootstrap.forWorkload(flags.bind + ":" + node.xdsPort(), "my-client", "bookinfo", Map.of("app", "my-client"));
            System.out.println("gRPC bootstrap for a proxyless client (save it, export GRPC_XDS_BOOTSTRAP=<file>, dial xds:///<host>:<port>):");
            System.out.println("  " + b.toJson());
            System.out.println("Press Ctrl-C to stop.");
        }

        /** Blocks until Ctrl-C, then stops {@code extra} and the node cleanly. */
        static int runUntilInterrupted(StraitNode node, AutoCloseable extra) throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("Stopping Strait...");
                try {
                    if (extra != null) {
                        extra.close();
                    }
                } catch (Exception e) {
                    System.err.println("stopping the demo workloads failed: " + e);
                }
                node.close();
                System.out.println("Stopped.");
                stopped.countDown();
            }, "strait-shutdown"));
            stopped.await();
            return 0;
        }
    }
}

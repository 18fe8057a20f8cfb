package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.ClientCalls;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.strait.agent.role.AgentOptions;
import io.strait.agent.role.WorkloadAgent;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.role.CaOptions;
import io.strait.cli.demo.EchoService;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;

/**
 * A secured mesh as a user runs it: {@code strait up}'s roles in process, a {@code strait agent} per workload identity
 * (join token → certificate, rotation, files, the local xDS proxy to the secure port over mTLS), a grpc-xds server
 * ({@code XdsServerBuilder}, {@code XdsServerCredentials}) for {@code greeter} in namespace {@code shop}, and grpc-xds
 * clients ({@code XdsChannelCredentials}) bootstrapped from their agents' {@code grpc-bootstrap.json}. Nothing here
 * reaches into Strait's internals: the config is files in a watched folder, the workloads hold only what their agent
 * wrote.
 */
final class SecureMesh implements AutoCloseable {
    static final String HOST = "greeter.shop.svc.cluster.local";
    private static final AtomicInteger SCHEMES = new AtomicInteger();

    final Path dir;
    final Path config;
    final int port = EmbeddedKafka.freePort(); // the server's: its inbound listener's name carries it
    final StraitNode node;
    private final List<AutoCloseable> open = new ArrayList<>();
    /** The SPIFFE identity the server saw on the last call (empty for plain text). */
    final AtomicReference<String> lastPeer = new AtomicReference<>("");
    private final AtomicReference<String> serving = new AtomicReference<>("STARTING");

    /**
     * @param caDir a plugged-in CA directory, or null for the embedded root
     * @param mode  the shop namespace's PeerAuthentication mode
     */
    SecureMesh(Path dir, Path caDir, String mode) throws Exception {
        this.dir = dir;
        this.config = dir.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("greeter.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: greeter, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC, targetPort: %d}]
                  resolution: STATIC
                  workloadSelector: {labels: {app: greeter}}
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: greeter-1, namespace: shop}
                spec:
                  address: 127.0.0.1
                  serviceAccount: greeter
                  labels: {app: greeter}
                """.formatted(HOST, port));
        peerAuthentication(mode);
        CaOptions ca = caDir == null ? CaOptions.embedded(dir.resolve("data/ca"), "127.0.0.1", 0)
                : new CaOptions(caDir, true, io.strait.ca.keys.KeyType.ECDSA, CaOptions.DEFAULT_TRUST_DOMAIN, "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofSeconds(30), "ca-proof");
        node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, dir.resolve("data"), config, "127.0.0.1",
                EmbeddedKafka.freePort(), -1, "front-proof", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS, null, ca)).start();
        open.add(node);
    }

    /** Writes the shop namespace's PeerAuthentication: the next revision. */
    void peerAuthentication(String mode) throws Exception {
        Path file = config.resolve("peer-authentication.yaml");
        Path tmp = config.resolve(".peer-authentication.tmp");
        Files.writeString(tmp, """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: shop}
                spec:
                  mtls: {mode: %s}
                """.formatted(mode));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Starts {@code strait agent} for {@code sa} of shop with a join token from the node's CA. */
    WorkloadAgent agent(String sa, String pod, Map<String, String> labels, Duration ttl) throws Exception {
        String token = node.ca().issueToken(new SpiffeId(CaOptions.DEFAULT_TRUST_DOMAIN, "shop", sa), Duration.ofMinutes(10));
        WorkloadAgent agent = WorkloadAgent.start(AgentOptions.of("127.0.0.1:" + node.ca().securePort(), token, pod, "shop", sa,
                dir.resolve("agents").resolve(pod)).withLabels(labels).withCertTtl(ttl));
        open.add(0, agent);
        return agent;
    }

    /** The greeter server on {@link #port}, bootstrapped by its agent; returns once Strait's inbound listener made it SERVING. */
    void startServer(WorkloadAgent agent) {
        ServerInterceptor recordPeer = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, io.grpc.Metadata headers, ServerCallHandler<Q, A> next) {
                lastPeer.set(spiffeOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
                return next.startCall(call, headers);
            }
        };
        Server server = XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(agent.bootstrap().toMap())
                .xdsServingStatusListener(new XdsServerBuilder.XdsServingStatusListener() {
                    @Override
                    public void onServing() {
                        serving.set("SERVING");
                    }

                    @Override
                    public void onNotServing(Throwable cause) {
                        serving.set("NOT_SERVING: " + cause);
                    }
                })
                .addService(ServerInterceptors.intercept(EchoService.answering("greeter-1"), recordPeer))
                .build();
        open.add(0, server::shutdownNow);
        Thread starter = new Thread(() -> {
            try {
                server.start(); // blocks until the inbound listener arrives
            } catch (java.io.IOException e) {
                serving.set("START FAILED: " + e);
            }
        }, "greeter-start");
        starter.setDaemon(true);
        starter.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(serving.get()).isEqualTo("SERVING"));
    }

    /** A grpc-xds client of greeter with xDS credentials (mTLS when Strait says so), bootstrapped by its agent. */
    ManagedChannel meshClient(WorkloadAgent agent) {
        ManagedChannel channel = channel(resolverFor(agent));
        open.add(0, channel::shutdownNow);
        return channel;
    }

    /** Registers gRPC's xDS resolver for {@code agent}'s bootstrap under a scheme of its own; channels on it share one xDS client. */
    static String resolverFor(WorkloadAgent agent) {
        String scheme = "strait-proof-" + SCHEMES.incrementAndGet();
        io.grpc.NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, agent.bootstrap().toMap()));
        return scheme;
    }

    /** A new channel to greeter through the resolver registered as {@code scheme}; the caller shuts it down. */
    static ManagedChannel channel(String scheme) {
        return Grpc.newChannelBuilder(scheme + ":///" + HOST + ":7070", XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
    }

    /** A plain-text client straight at the server's port: a new connection each time, no mesh identity. */
    String plainCall(long timeoutMillis) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
        try {
            return call(channel, timeoutMillis);
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Writes {@code name}.yaml in the watched folder atomically (a rename, so ingest never reads half a file): the
     * next revision. Policies of one step go in one file so a step replaces the previous one whole.
     */
    void writeConfig(String name, String yaml) throws Exception {
        Path file = config.resolve(name + ".yaml");
        Path tmp = config.resolve("." + name + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String call(io.grpc.Channel channel, long timeoutMillis) {
        return ClientCalls.blockingUnaryCall(channel, EchoService.CALL,
                CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), "hi");
    }

    private static String spiffeOf(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            X509Certificate cert = (X509Certificate) session.getPeerCertificates()[0];
            return cert.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 6)
                    .map(n -> (String) n.get(1)).findFirst().orElse("no URI SAN");
        } catch (Exception e) {
            return "unreadable peer: " + e;
        }
    }

    @Override
    public void close() {
        InProcess.close(open.toArray(AutoCloseable[]::new));
    }
}

package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.xds.XdsChannelCredentials;
import io.strait.agent.role.WorkloadAgent;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.ca.role.CaOptions;
import io.strait.cli.demo.EchoService;
import io.strait.cli.demo.MeshAgents;
import io.strait.cli.demo.SecureBackends;
import io.strait.cli.demo.TrafficWatch;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.ingest.load.ParseCache;
import io.strait.model.mesh.MeshModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strait demo --secure}'s pieces on the sample a newcomer runs ({@code samples/secure-bookinfo}, its
 * ports moved to free ones so the test clashes with nothing): the node's CA and secure port, an agent and a grpc-xds
 * server per WorkloadEntry — each on its own entry's port, so three versions of reviews on one host — and the
 * traffic watch with xDS credentials through its own agent. Every server sees the client's SPIFFE id in the TLS
 * session, the split follows the VirtualService, plain text is refused under STRICT, and certificates rotate.
 */
class SecureDemoTest {
    private static final Path SAMPLE = Path.of("../samples/secure-bookinfo");
    private static final String CLIENT_ID = "spiffe://cluster.local/ns/bookinfo/sa/demo-client";

    private StraitNode node;
    private MeshAgents agents;
    private SecureBackends backends;
    private TrafficWatch watch;

    @Test
    void everyBackendSeesTheClientsMeshIdentityAndCertificatesRotate(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("config");
        Map<String, Integer> ports = Map.of("19081", EmbeddedKafka.freePort(), "19082", EmbeddedKafka.freePort(),
                "19083", EmbeddedKafka.freePort(), "19091", EmbeddedKafka.freePort());
        copyWithPorts(SAMPLE, config, ports);
        node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"), config, "127.0.0.1",
                EmbeddedKafka.freePort(), -1, "front-demo", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS, null,
                CaOptions.embedded(tmp.resolve("data/ca"), "127.0.0.1", 0))).start();
        MeshModel model = MeshModel.of(ConfigLoader.load(config, new ParseCache(), null).resources().stream()
                .map(LoadedResource::resource).toList());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        // a short lifetime: the agents renew at half of it, within the test
        agents = new MeshAgents(node.ca(), "127.0.0.1:" + node.ca().securePort(), tmp.resolve("agents"), Duration.ofSeconds(12), out);
        backends = SecureBackends.forModel(model, agents, out);
        assertThat(backends.awaitServing(Duration.ofSeconds(60))).as("every server got its own port's listener: %s", printed).isTrue();
        WorkloadAgent client = agents.start("demo-client", "bookinfo", "demo-client", Map.of("app", "demo-client"));
        watch = new TrafficWatch(client.bootstrap(), XdsChannelCredentials.create(InsecureChannelCredentials.create()), model, out).start();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(backends.callers()).isEqualTo(Map.of(
                "reviews-v1", CLIENT_ID, "reviews-v2", CLIENT_ID, "reviews-v3", CLIENT_ID, "ratings-v1", CLIENT_ID)));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("mTLS     reviews-v2 ← " + CLIENT_ID);
        // the routing is the VirtualService's over mTLS: every version answers, jason always gets v2
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastTrafficLine(printed))
                .contains("ratings: v1 100%", "reviews [end-user=jason]: v2 100%").contains("v1 ", "v2 ", "v3 ").doesNotContain("error"));
        // STRICT: a client without a mesh certificate is refused at a server's port
        assertThatThrownBy(() -> plainCall(ports.get("19082"))).isInstanceOf(StatusRuntimeException.class);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(agents.rotations())
                .anyMatch(r -> r.startsWith("reviews-v1 ")).anyMatch(r -> r.startsWith("demo-client ")));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("rotated  reviews-v1 ");
        // after the rotations, mTLS goes on with the new certificates: a full round printed since then has no error
        int before = printed.size();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastTrafficLine(printed, before))
                .contains("ratings: v1 100%").doesNotContain("error"));
    }

    /** The sample with its backend ports replaced, so the test binds only free ports. */
    private static void copyWithPorts(Path from, Path to, Map<String, Integer> ports) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                // one pass, so a free port that happens to equal another sample port is not replaced again
                String text = java.util.regex.Pattern.compile("\\b(" + String.join("|", ports.keySet()) + ")\\b")
                        .matcher(Files.readString(f)).replaceAll(m -> String.valueOf(ports.get(m.group())));
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.writeString(target, text);
            }
        }
    }

    private static String lastTrafficLine(ByteArrayOutputStream printed) {
        return lastTrafficLine(printed, 0);
    }

    /** The last whole traffic line printed after the first {@code from} bytes ("" if none yet). */
    private static String lastTrafficLine(ByteArrayOutputStream printed, int from) {
        byte[] all = printed.toByteArray();
        String[] lines = new String(all, from, all.length - from, StandardCharsets.UTF_8).split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("traffic  ")) {
                return lines[i];
            }
        }
        return "";
    }

    private static String plainCall(int port) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
        try {
            return ClientCalls.blockingUnaryCall(channel, EchoService.CALL,
                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), "hi");
        } finally {
            channel.shutdownNow();
        }
    }

    @AfterEach
    void stop() {
        InProcess.close(watch, backends, agents, node);
    }
}

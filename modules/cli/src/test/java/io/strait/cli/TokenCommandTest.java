package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.PluggedCa;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.token.JoinTokens;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    private static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "bookinfo", "reviews");

    @Test
    void signsWithACaDirectoryAndPrintsTheTokenLast(@TempDir Path tmp) throws Exception {
        SelfSignedRoot.createOrLoad(tmp, KeyType.ECDSA, "cluster.local", Clock.systemUTC());
        String out = run("token", "create", "-n", "bookinfo", "--sa", "reviews", "--ttl", "2h", "--ca-dir", tmp.toString());
        String[] lines = out.strip().split("\n");
        assertThat(lines[0]).contains("for spiffe://cluster.local/ns/bookinfo/sa/reviews");
        JoinTokens verifier = new JoinTokens(PluggedCa.load(tmp, Clock.systemUTC()), "cluster.local", Clock.systemUTC());
        assertThat(verifier.verify(lines[lines.length - 1]).identity()).isEqualTo(REVIEWS);
    }

    @Test
    void asksARunningNodeThroughItsAuthenticatedAdminPort(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.CA), null, 0, data, tmp, "127.0.0.1",
                EmbeddedKafka.freePort(), 0, "front", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            assertThat(node.ca().securePort()).isPositive();
            String out = run("token", "create", "-n", "bookinfo", "--sa", "reviews", "--admin-port", String.valueOf(node.adminPort()),
                    "--data-dir", data.toString());
            String token = out.strip().substring(out.strip().lastIndexOf('\n') + 1);
            JoinTokens verifier = new JoinTokens(node.ca().keys(), "cluster.local", Clock.systemUTC());
            assertThat(verifier.verify(token).identity()).isEqualTo(REVIEWS);

            // without the node's admin secret the endpoint refuses
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
                    + "/ca/token?namespace=bookinfo&serviceAccount=reviews")).POST(HttpRequest.BodyPublishers.noBody())
                    .header("authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).doesNotContain("eyJ");

            // a node without the ingest role has no api source: apply is refused with the reason, authenticated or not
            HttpResponse<String> apply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.adminPort() + "/apply")).header("authorization", "Bearer " + io.strait.cli.runtime.AdminSecret.read(data))
                    .POST(HttpRequest.BodyPublishers.ofString("kind: VirtualService")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(apply.statusCode()).isEqualTo(503);
            assertThat(apply.body()).contains("runs no ingest role");
        }
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertThat(Main.execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }
}

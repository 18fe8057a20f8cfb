package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.KeyType;
import io.strait.ca.role.CaOptions;
import io.strait.ca.role.CaRole;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strait agent} refuses a bad start with one line and a non-zero exit, before it writes anything. */
class AgentCommandTest {
    private static final SpiffeId WEB = new SpiffeId("cluster.local", "shop", "web");
    @TempDir
    Path tmp;
    private CaRole ca;

    @BeforeEach
    void start() throws Exception {
        ca = new CaRole(new CaOptions(tmp.resolve("ca"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test"), null, Clock.systemUTC(), List.of()).start();
    }

    @AfterEach
    void stop() {
        ca.close();
    }

    private Result agent(String token, String sa) throws Exception {
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, token);
        return run("agent", "--secure-address", "127.0.0.1:" + ca.securePort(), "--token-file", tokenFile.toString(), "--name", "web-1",
                "-n", "shop", "--sa", sa, "--out", tmp.resolve("w").toString());
    }

    @Test
    void aTokenForAnotherServiceAccount() throws Exception {
        Result r = agent(ca.issueToken(WEB, Duration.ofHours(1)), "admin");
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("the join token is for namespace shop, service account web").contains("not namespace shop, service account admin");
        assertNothingWritten(r);
    }

    @Test
    void anExpiredTokenSaysWhenItExpired() throws Exception {
        CaRole past = ca;
        // a token issued two hours ago for one hour: signed by this CA, expired an hour ago
        String token = new io.strait.ca.token.JoinTokens(past.keys(), "cluster.local",
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC)).issue(WEB, Duration.ofHours(1));
        Result r = agent(token, "web");
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("the join token").contains("expired at").contains("create a new one");
        assertNothingWritten(r);
    }

    @Test
    void aTamperedTokenIsRefusedByTheCa() throws Exception {
        String token = ca.issueToken(WEB, Duration.ofHours(1));
        String sig = token.substring(token.lastIndexOf('.') + 1);
        String tampered = token.substring(0, token.lastIndexOf('.') + 1) + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);
        Result r = agent(tampered, "web");
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("refused the join token").contains("signature does not verify");
        assertNothingWritten(r);
    }

    @Test
    void anUnreachableCa() throws Exception {
        String token = ca.issueToken(WEB, Duration.ofHours(1));
        int port = ca.securePort();
        ca.close();
        Files.writeString(tmp.resolve("token"), token);
        Result r = run("agent", "--secure-address", "127.0.0.1:" + port, "--token-file", tmp.resolve("token").toString(), "--name", "web-1",
                "-n", "shop", "--sa", "web", "--out", tmp.resolve("w").toString());
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("cannot reach the CA at 127.0.0.1:" + port);
        assertNothingWritten(r);
    }

    @Test
    void aCaWhoseRootIsNotTheTokens() throws Exception {
        CaRole other = new CaRole(new CaOptions(tmp.resolve("other"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-other"), null, Clock.systemUTC(), List.of()).start();
        try {
            Files.writeString(tmp.resolve("token"), ca.issueToken(WEB, Duration.ofHours(1)));
            Result r = run("agent", "--secure-address", "127.0.0.1:" + other.securePort(), "--token-file", tmp.resolve("token").toString(),
                    "--name", "web-1", "-n", "shop", "--sa", "web", "--out", tmp.resolve("w").toString());
            assertThat(r.code).isNotZero();
            assertThat(r.err).contains("is not the mesh's CA").contains("is not the one the join token names");
            assertNothingWritten(r);
        } finally {
            other.close();
        }
    }

    @Test
    void aKubernetesTokenWithoutTheCaRootOrNoCredentialAtAll() throws Exception {
        Path tokenFile = Files.writeString(tmp.resolve("istio-token"), "a.b.c");
        Result r = run("agent", "--secure-address", "127.0.0.1:" + ca.securePort(), "--kubernetes-token-file", tokenFile.toString(),
                "--name", "web-1", "-n", "shop", "--sa", "web", "--out", tmp.resolve("w").toString());
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("--kubernetes-token-file needs --ca-root-file");
        assertNothingWritten(r);

        Result none = run("agent", "--secure-address", "127.0.0.1:" + ca.securePort(), "--name", "web-1", "-n", "shop", "--sa", "web",
                "--out", tmp.resolve("w").toString());
        assertThat(none.code).isNotZero();
        assertThat(none.err).contains("give the first credential: a join token (--token or --token-file) or a Kubernetes service-account token");
        assertNothingWritten(none);
    }

    private void assertNothingWritten(Result r) throws Exception {
        assertThat(r.err.strip().lines().count()).as(r.err).isEqualTo(1);
        assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception");
        Path out = tmp.resolve("w");
        if (Files.exists(out)) {
            try (var files = Files.list(out)) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            return new Result(Main.execute(args), buf.toString());
        } finally {
            System.setErr(old);
        }
    }
}

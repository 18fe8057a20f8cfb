package io.strait.cli;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.PluggedCa;
import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.ca.role.CaOptions;
import io.strait.cli.runtime.AdminSecret;
import io.strait.cli.runtime.TokenEndpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strait token …}: join tokens, the credential a new workload trades for its first certificate. */
@Command(name = "token", description = "Join tokens for new workloads.", subcommands = TokenCommand.Create.class)
public final class TokenCommand {

    /**
     * {@code strait token create}: asks a running node's CA through its admin port (loopback, authenticated by the
     * node's {@code <data-dir>/admin-token}), or signs with a CA directory directly ({@code --ca-dir}). The token is
     * printed alone on the last line, so scripts can take it with {@code tail -1}.
     */
    @Command(name = "create", description = "Create a join token for one workload identity; the token is the last line printed.")
    public static final class Create implements Callable<Integer> {
        @Option(names = {"-n", "--namespace"}, required = true, description = "Namespace of the identity.")
        String namespace;

        @Option(names = {"--service-account", "--sa"}, required = true, description = "Service account of the identity.")
        String serviceAccount;

        @Option(names = "--ttl", defaultValue = "1h", description = "How long the token is accepted (default: ${DEFAULT-VALUE}; at most 720h).")
        String ttl;

        @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port of the running node to ask (default: ${DEFAULT-VALUE}).")
        int adminPort;

        @Option(names = "--data-dir", defaultValue = ".strait", description = "That node's data directory, where its admin-token is (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--ca-dir", description = "Sign with the CA in this directory instead of asking a node (its ca-key.pem must be readable).")
        Path caDir;

        @Option(names = "--trust-domain", defaultValue = CaOptions.DEFAULT_TRUST_DOMAIN, description = "Trust domain, with --ca-dir (default: ${DEFAULT-VALUE}).")
        String trustDomain;

        @Override
        public Integer call() throws Exception {
            Duration lifetime = TokenEndpoint.parseTtl(ttl);
            String token = caDir != null ? signDirectly(lifetime) : askNode();
            JoinToken claims = JoinTokens.unverifiedClaims(token);
            System.out.println("Join token " + claims.id() + " for " + claims.identity() + ", valid until " + claims.expiresAt());
            System.out.println("Root " + claims.rootFingerprint() + " (a workload checks the CA it talks to against it)");
            System.out.println(token);
            return 0;
        }

        private String signDirectly(Duration lifetime) {
            JoinTokens tokens = new JoinTokens(PluggedCa.load(caDir, Clock.systemUTC()), trustDomain, Clock.systemUTC());
            return tokens.issue(new SpiffeId(trustDomain, namespace, serviceAccount), lifetime);
        }

        private String askNode() throws Exception {
            String secret = AdminSecret.read(dataDir);
            URI uri = URI.create("http://127.0.0.1:" + adminPort + TokenEndpoint.PATH + "?namespace=" + enc(namespace)
                    + "&serviceAccount=" + enc(serviceAccount) + "&ttl=" + enc(ttl));
            HttpResponse<String> r;
            try {
                r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .header("authorization", "Bearer " + secret).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                throw new IllegalStateException("no Strait node answers on admin port " + adminPort
                        + "; start one (./strait up) or pass --admin-port, or sign with --ca-dir");
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the node refused (" + r.statusCode() + "): " + r.body().trim());
            }
            return r.body().trim();
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}

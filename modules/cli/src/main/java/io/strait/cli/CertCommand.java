package io.strait.cli;

import io.strait.agent.credentials.CaClient;
import io.strait.agent.credentials.CredentialFiles;
import io.strait.agent.credentials.WorkloadCredentials;
import io.strait.ca.grpc.MeshTrust;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.cli.runtime.TokenEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strait cert …}: workload certificates from the mesh CA, by hand ({@code strait agent} keeps them current). */
@Command(name = "cert", description = "Workload certificates from the mesh CA.", subcommands = CertCommand.Request.class)
public final class CertCommand {

    /**
     * {@code strait cert request}: what {@code strait agent} does once ({@link CaClient}): a new key (never leaves this
     * host), a CSR, and Istio's CreateCertificate on the secure port with a join token. The CA is trusted only if it
     * presents the root the token names (or the {@code --root-cert} given). Writes {@code key.pem} (0600),
     * {@code cert-chain.pem} and {@code root-cert.pem} as the agent does ({@link CredentialFiles}).
     */
    @Command(name = "request", description = "Get a workload certificate with a join token; writes key.pem, cert-chain.pem, root-cert.pem.")
    public static final class Request implements Callable<Integer> {
        @Option(names = "--secure-address", defaultValue = "127.0.0.1:15012", description = "The CA's secure port (default: ${DEFAULT-VALUE}).")
        String address;

        @ArgGroup(exclusive = true, multiplicity = "1")
        TokenSource source;

        @Option(names = "--root-cert", description = "Trust the CA only under these roots (default: the root the token names).")
        Path rootCert;

        @Option(names = "--ttl", defaultValue = "24h", description = "Requested certificate lifetime (default: ${DEFAULT-VALUE}; at most 2160h).")
        String ttl;

        @Option(names = "--out", required = true, description = "Directory to write key.pem, cert-chain.pem and root-cert.pem to.")
        Path out;

        @Override
        public Integer call() throws Exception {
            String token = source.read();
            JoinToken claims = JoinTokens.unverifiedClaims(token);
            CaClient ca = new CaClient(address, KeyType.ECDSA, TokenEndpoint.parseTtl(ttl), Clock.systemUTC());
            WorkloadCredentials issued = rootCert != null
                    ? ca.withToken(token, new MeshTrust(Pem.certificates(Files.readString(rootCert), rootCert.toString())))
                    : ca.withToken(token, claims.rootFingerprint());
            new CredentialFiles(out).write(issued);
            System.out.println("Certificate for " + claims.identity() + " valid until " + issued.notAfter() + ", in " + out);
            return 0;
        }
    }

    /** {@code --token} or {@code --token-file}, exactly one (shared with {@code strait agent}). */
    static final class TokenSource {
        @Option(names = "--token", required = true, description = "The join token (prefer --token-file: a command line is visible to other users).")
        String token;

        @Option(names = "--token-file", required = true, description = "A file holding the join token.")
        Path tokenFile;

        String read() throws java.io.IOException {
            if (token != null) {
                return token.trim();
            }
            if (!Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("cannot read the token file " + tokenFile);
            }
            return Files.readString(tokenFile).trim();
        }
    }
}

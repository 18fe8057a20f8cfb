package io.strait.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.grpc.CertificateServiceClient;
import io.strait.ca.grpc.RootPinnedTrust;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.cli.runtime.TokenEndpoint;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strait cert …}: workload certificates from the mesh CA, by hand (the agent keeps them current). */
@Command(name = "cert", description = "Workload certificates from the mesh CA.", subcommands = CertCommand.Request.class)
public final class CertCommand {

    /**
     * {@code strait cert request}: a new key (never leaves this host), a CSR, and Istio's CreateCertificate on the
     * secure port with a join token. The CA is trusted only if it presents the root the token names (or the
     * {@code --root-cert} given). Writes {@code key.pem} (0600), {@code cert-chain.pem} and {@code root-cert.pem}.
     */
    @Command(name = "request", description = "Get a workload certificate with a join token; writes key.pem, cert-chain.pem, root-cert.pem.")
    public static final class Request implements Callable<Integer> {
        @Option(names = "--secure-address", defaultValue = "127.0.0.1:15012", description = "The CA's secure port (default: ${DEFAULT-VALUE}).")
        String address;

        static final class TokenSource {
            @Option(names = "--token", required = true, description = "The join token (prefer --token-file: a command line is visible to other users).")
            String token;

            @Option(names = "--token-file", required = true, description = "A file holding the join token.")
            Path tokenFile;
        }

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
            String token = source.token != null ? source.token.trim() : Files.readString(source.tokenFile).trim();
            JoinToken claims = JoinTokens.unverifiedClaims(token);
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--secure-address must be HOST:PORT, not " + address);
            }
            TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder();
            if (rootCert != null) {
                creds.trustManager(rootCert.toFile());
            } else {
                creds.trustManager(new RootPinnedTrust(claims.rootFingerprint()));
            }
            KeyPair key = KeyType.ECDSA.generate();
            ManagedChannel channel = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                    creds.build()).build();
            List<String> chain;
            try {
                chain = new CertificateServiceClient(channel, Duration.ofSeconds(15))
                        .createCertificate(csr(key), TokenEndpoint.parseTtl(ttl), token);
            } catch (StatusRuntimeException e) {
                throw new IllegalStateException("the CA refused: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            write(chain, key);
            X509Certificate leaf = Pem.certificates(chain.get(0), "the certificate").get(0);
            System.out.println("Certificate for " + claims.identity() + " valid until " + leaf.getNotAfter().toInstant() + ", in " + out);
            return 0;
        }

        private void write(List<String> chain, KeyPair key) throws Exception {
            Files.createDirectories(out);
            Path keyFile = out.resolve("key.pem");
            Files.deleteIfExists(keyFile);
            try {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(keyFile);
            }
            Files.writeString(keyFile, Pem.of(key.getPrivate()));
            Files.writeString(out.resolve("cert-chain.pem"), String.join("", chain.subList(0, chain.size() - 1)));
            Files.writeString(out.resolve("root-cert.pem"), chain.get(chain.size() - 1));
        }

        private static String csr(KeyPair key) throws Exception {
            var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(request);
            }
            return w.toString();
        }
    }
}

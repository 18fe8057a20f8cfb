package io.strait.agent.credentials;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.strait.ca.grpc.CertificateServiceClient;
import io.strait.ca.grpc.RootPinnedTrust;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Gets workload credentials from the mesh CA as istio-agent does: a new key each time (generated here, never sent),
 * a CSR with no identity in it (the CA names the identity it authenticated), Istio's CreateCertificate. The first
 * certificate is bought with a join token, trusting the CA only under the root the token names, or with a Kubernetes
 * service-account token, trusting the roots the operator gave; a renewal presents the current certificate over mutual
 * TLS and trusts the roots the workload holds. Every call names the workload's cluster in Istio's {@code clusterid}
 * metadata, which tells the CA whose API server reviews a service-account token.
 */
public final class CaClient {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final String address;
    private final KeyType keyType;
    private final Duration ttl;
    private final Clock clock;
    private final String clusterId;

    /**
     * @param address the CA's secure port, {@code HOST:PORT}
     * @param keyType the workload key's type
     * @param ttl     the lifetime asked for
     */
    public CaClient(String address, KeyType keyType, Duration ttl, Clock clock) {
        this(address, keyType, ttl, clock, null);
    }

    /** @param clusterId the workload's cluster (Istio's CLUSTER_ID), sent as {@code clusterid}; null for none */
    public CaClient(String address, KeyType keyType, Duration ttl, Clock clock, String clusterId) {
        this.address = address;
        this.keyType = keyType;
        this.ttl = ttl;
        this.clock = clock;
        this.clusterId = clusterId;
    }

    /**
     * The first certificate, with a join token.
     *
     * @param rootFingerprint the root the token names ({@code sha256:<hex>}): the only one the CA may present
     * @throws CaRefused with one line saying why
     */
    public WorkloadCredentials withToken(String token, String rootFingerprint) {
        return withToken(token, new RootPinnedTrust(rootFingerprint));
    }

    /** The first certificate, with a join token, trusting the CA as {@code caTrust} says ({@code strait cert request --root-cert}). */
    public WorkloadCredentials withToken(String token, X509TrustManager caTrust) {
        return withToken(token, caTrust, "the join token");
    }

    /**
     * A certificate bought with a bearer token.
     *
     * @param what the token, for messages ("the Kubernetes service-account token in …")
     */
    public WorkloadCredentials withToken(String token, X509TrustManager caTrust, String what) {
        return request(MeshChannels.open(address, TlsChannelCredentials.newBuilder().trustManager(caTrust).build()), token, List.of(), what);
    }

    /** A new key and certificate for the same identity, authenticated by {@code current}'s certificate. */
    public WorkloadCredentials renew(WorkloadCredentials current) {
        return request(MeshChannels.open(address, MeshChannels.mutualTls(current)), null, current.roots(), "the workload certificate");
    }

    private WorkloadCredentials request(ManagedChannel channel, String token, List<X509Certificate> heldRoots, String what) {
        KeyPair key = keyType.generate();
        List<String> pems;
        try {
            pems = new CertificateServiceClient(channel, DEADLINE).createCertificate(csr(key), ttl, token, clusterId);
        } catch (StatusRuntimeException e) {
            throw new CaRefused(describe(e, address, what));
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (String pem : pems) {
            chain.addAll(Pem.certificates(pem, "the CA's answer"));
        }
        if (chain.size() < 2) {
            throw new CaRefused("the CA at " + address + " answered with " + chain.size() + " certificate(s); expected a leaf and its root");
        }
        X509Certificate root = chain.remove(chain.size() - 1);
        if (!chain.get(0).getPublicKey().equals(key.getPublic())) {
            throw new CaRefused("the CA at " + address + " answered with a certificate for another key");
        }
        List<X509Certificate> roots = new ArrayList<>(heldRoots);
        if (!roots.contains(root)) {
            roots.add(root);
        }
        return new WorkloadCredentials(key.getPrivate(), chain, roots, clock.instant());
    }

    /** A PKCS#10 request with an empty subject, signed by {@code key}. */
    public static String csr(KeyPair key) {
        try {
            var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), key.getPublic())
                    .build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(key.getPrivate())).build(key.getPrivate()));
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(request);
            }
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a certificate request: " + e.getMessage(), e);
        }
    }

    /** One line for a failed call: refused credentials, an untrusted CA, an unreachable one, or the CA's reason. */
    static String describe(StatusRuntimeException e, String address, String what) {
        Status s = e.getStatus();
        String why = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        switch (s.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> {
                return "the CA at " + address + " refused " + what + ": " + why;
            }
            case UNAVAILABLE -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof CertificateException) {
                        return "the server at " + address + " is not the mesh's CA: " + t.getMessage();
                    }
                }
                Throwable cause = e.getCause();
                if (cause == null && s.getDescription() != null) {
                    // the CA answered: it could not check the credential now (an API server it asks is down)
                    return "the CA at " + address + " cannot check " + what + " now: " + why;
                }
                return "cannot reach the CA at " + address + ": " + (cause != null && cause.getMessage() != null ? cause.getMessage() : why)
                        + " (is strait up running there? check --secure-address)";
            }
            case DEADLINE_EXCEEDED -> {
                return "the CA at " + address + " did not answer within " + DEADLINE.toSeconds() + "s";
            }
            default -> {
                return "the CA at " + address + " refused the request: " + s.getCode() + ": " + why;
            }
        }
    }

    /** The CA did not issue a certificate; the message is one line for the operator. */
    public static final class CaRefused extends RuntimeException {
        public CaRefused(String message) {
            super(message);
        }
    }
}

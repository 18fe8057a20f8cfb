package io.strait.bench;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.SelfSignedRoot;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one workload certificate costs the CA: parse the PEM CSR, check its proof of possession and key, build and sign
 * the certificate for the caller's identity ({@link CertificateAuthority#sign}). A P-256 workload key under an ECDSA
 * P-256 or an RSA 2048 CA. Single-threaded, so the score is certificates per second on one core.
 *
 * <p>Run from the repository root: see BENCHMARKS.md, "CA".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CaSigningBenchmark {
    @Param({"ECDSA", "RSA"})
    public String caKeyType;

    private CertificateAuthority ca;
    private String csr;
    private final SpiffeId identity = new SpiffeId("cluster.local", "bookinfo", "reviews");

    @Setup
    public void setUp() throws Exception {
        CaKeys keys = SelfSignedRoot.create(KeyType.parse(caKeyType), "cluster.local", Clock.systemUTC());
        ca = new CertificateAuthority(keys, IssuancePolicy.ISTIO, Clock.systemUTC());
        KeyPair workload = KeyType.ECDSA.generate();
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=bench"), workload.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(workload.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(request);
        }
        csr = out.toString();
    }

    /** The CSR signed by every operation (the harness reuses it). */
    String csr() {
        return csr;
    }

    @Benchmark
    public List<X509Certificate> signWorkloadCertificate() throws Exception {
        return ca.sign(csr, identity, Duration.ofHours(24));
    }
}

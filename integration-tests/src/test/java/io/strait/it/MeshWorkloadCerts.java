package io.strait.it;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Workload certificates issued by a running node's CA core, and TLS channels to its secure port that present them. */
final class MeshWorkloadCerts {
    private final CaKeys keys;
    private final CertificateAuthority ca;

    MeshWorkloadCerts(CaKeys keys) {
        this.keys = keys;
        this.ca = new CertificateAuthority(keys, IssuancePolicy.ISTIO, Clock.systemUTC());
    }

    /** A channel to {@code port} trusting the mesh roots and presenting a certificate for {@code identity}. */
    ManagedChannel channelAs(int port, String identity) throws Exception {
        KeyPair key = KeyType.ECDSA.generate();
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        StringWriter csr = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(csr)) {
            pem.writeObject(request);
        }
        List<X509Certificate> chain = ca.sign(csr.toString(), SpiffeId.parse(identity), Duration.ofHours(1));
        ChannelCredentials creds = TlsChannelCredentials.newBuilder()
                .keyManager(stream(Pem.of(chain)), stream(Pem.of(key.getPrivate())))
                .trustManager(stream(Pem.of(keys.roots())))
                .build();
        return NettyChannelBuilder.forAddress("127.0.0.1", port, creds).build();
    }

    /** A channel to {@code port} trusting the mesh roots and presenting no certificate. */
    ManagedChannel anonymousChannel(int port) throws Exception {
        ChannelCredentials creds = TlsChannelCredentials.newBuilder().trustManager(stream(Pem.of(keys.roots()))).build();
        return NettyChannelBuilder.forAddress("127.0.0.1", port, creds).build();
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}

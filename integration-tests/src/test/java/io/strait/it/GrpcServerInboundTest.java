package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.EchoService;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxyless gRPC server on Strait's inbound listener: grpc-java's {@code XdsServerBuilder}, bootstrapped with
 * Istio's {@code server_listener_resource_name_template}, asks for {@code xds.istio.io/grpc/lds/inbound/0.0.0.0:<port>},
 * accepts what Strait translates for a DISABLE namespace (one plain-text chain), becomes SERVING, and answers a
 * grpc-xds client calling the service through Strait's outbound config; under STRICT the same happens over mTLS.
 */
class GrpcServerInboundTest {
    private static final String HOST = "greeter.shop.svc.cluster.local";
    private StraitNode node;
    private Server server;
    private ProxylessClient client;
    private int port;

    @Test
    void aGrpcXdsServerServesOnTheDisableInboundListener(@TempDir Path tmp) throws Exception {
        String xds = startMesh(tmp, "DISABLE");
        startServer(xds, Map.of());
        client = new ProxylessClient(GrpcBootstrap.forWorkload(xds, "checkout-1", "shop", Map.of("app", "checkout")),
                HOST + ":7070");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(client.call(Map.of(), 2_000)).isEqualTo("greeter-1"));
    }

    /**
     * STRICT: the server's inbound chain is mTLS from its certificate provider, and a grpc-xds client with xDS
     * credentials calls it over mTLS with no DestinationRule (Strait's auto mTLS for gRPC), verifying the server's
     * SPIFFE identity; the server sees the client's. A plain-text client fails. Certificates come from the mesh CA ({@code modules/ca}, in
     * process), written as the files a {@code file_watcher} provider reads: PKCS#8 key, chain, roots.
     */
    @Test
    void strictIsMutualTlsWithoutADestinationRule(@TempDir Path tmp) throws Exception {
        Path pki = tmp.resolve("pki");
        Files.createDirectories(pki);
        CertificateAuthority ca = new CertificateAuthority(
                SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC()), IssuancePolicy.ISTIO, Clock.systemUTC());
        Files.writeString(pki.resolve("root-cert.pem"), Pem.of(ca.keys().root()));
        Map<String, Object> serverProvider = identity(ca, pki, "greeter");
        Map<String, Object> clientProvider = identity(ca, pki, "checkout");
        String xds = startMesh(tmp, "STRICT");
        AtomicReference<String> peer = new AtomicReference<>();
        startServer(xds, serverProvider, peer);

        Map<String, Object> bootstrap = withProvider(
                GrpcBootstrap.forWorkload(xds, "checkout-1", "shop", Map.of("app", "checkout")).toMap(), clientProvider);
        String scheme = "strait-mtls-test";
        io.grpc.NameResolverRegistry.getDefaultRegistry().register(
                io.grpc.xds.XdsNameResolverProvider.createForTest(scheme, bootstrap));
        io.grpc.ManagedChannel secure = io.grpc.Grpc.newChannelBuilder(scheme + ":///" + HOST + ":7070",
                io.grpc.xds.XdsChannelCredentials.create(io.grpc.InsecureChannelCredentials.create())).build();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                    io.grpc.stub.ClientCalls.blockingUnaryCall(secure, EchoService.CALL,
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS), "hi"))
                    .isEqualTo("greeter-1"));
            assertThat(peer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");
        } finally {
            secure.shutdownNow();
        }
        client = new ProxylessClient(GrpcBootstrap.forWorkload(xds, "plain-1", "shop", Map.of("app", "plain")),
                HOST + ":7070");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.call(Map.of(), 3_000))
                .isInstanceOf(io.grpc.StatusRuntimeException.class);
    }

    private String startMesh(Path tmp, String mode) throws Exception {
        port = EmbeddedKafka.freePort(); // fixed: the listener's name and address carry it
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("shop.yaml"), """
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
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: shop}
                spec:
                  mtls: {mode: %s}
                """.formatted(HOST, port, mode));
        node = InProcess.start(tmp.resolve("data"), config, "front-s", false);
        return "127.0.0.1:" + node.xdsPort();
    }

    private void startServer(String xds, Map<String, Object> provider) throws Exception {
        startServer(xds, provider, new AtomicReference<>());
    }

    /** A grpc-xds server for greeter-1 on {@link #port}, SERVING once Strait's inbound listener arrived. */
    private void startServer(String xds, Map<String, Object> provider, AtomicReference<String> peer) throws Exception {
        Map<String, Object> bootstrap = withProvider(
                GrpcBootstrap.forWorkload(xds, "greeter-1", "shop", Map.of("app", "greeter")).toMap(), provider);
        bootstrap.put("server_listener_resource_name_template", "xds.istio.io/grpc/lds/inbound/%s");
        AtomicReference<String> state = new AtomicReference<>("STARTING");
        io.grpc.ServerInterceptor recordPeer = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call, io.grpc.Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, A> next) {
                javax.net.ssl.SSLSession session = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION);
                if (session != null) {
                    try {
                        var cert = (java.security.cert.X509Certificate) session.getPeerCertificates()[0];
                        cert.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 6)
                                .findFirst().ifPresent(n -> peer.set((String) n.get(1)));
                    } catch (Exception e) {
                        peer.set("unreadable peer: " + e);
                    }
                }
                return next.startCall(call, headers);
            }
        };
        server = XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(bootstrap)
                .xdsServingStatusListener(new XdsServerBuilder.XdsServingStatusListener() {
                    @Override
                    public void onServing() {
                        state.set("SERVING");
                    }

                    @Override
                    public void onNotServing(Throwable cause) {
                        state.set("NOT_SERVING: " + cause);
                    }
                })
                .addService(io.grpc.ServerInterceptors.intercept(EchoService.answering("greeter-1"), recordPeer))
                .build();
        Thread starter = new Thread(() -> {
            try {
                server.start(); // waits for the inbound listener
            } catch (java.io.IOException e) {
                state.set("START FAILED: " + e);
            }
        }, "xds-server-start");
        starter.setDaemon(true);
        starter.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(state.get()).isEqualTo("SERVING"));
    }

    /** The bootstrap with certificate provider instance "default" ({@code file_watcher}), when one is given. */
    private static Map<String, Object> withProvider(Map<String, Object> bootstrap, Map<String, Object> provider) {
        Map<String, Object> out = new LinkedHashMap<>(bootstrap);
        if (!provider.isEmpty()) {
            out.put("certificate_providers", Map.of("default", provider));
        }
        return out;
    }

    /** A key and a certificate for service account {@code sa} of shop, issued by the mesh CA; its file_watcher config. */
    private static Map<String, Object> identity(CertificateAuthority ca, Path pki, String sa) throws Exception {
        KeyPair key = KeyType.ECDSA.generate();
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        StringWriter csr = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(csr)) {
            pem.writeObject(request);
        }
        List<X509Certificate> chain = ca.sign(csr.toString(), SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/" + sa),
                Duration.ofHours(1));
        Files.writeString(pki.resolve(sa + "-key.pem"), Pem.of(key.getPrivate()));
        Files.writeString(pki.resolve(sa + "-cert-chain.pem"), Pem.of(chain.subList(0, chain.size() - 1)));
        return Map.of("plugin_name", "file_watcher", "config", Map.of(
                "certificate_file", pki.resolve(sa + "-cert-chain.pem").toString(),
                "private_key_file", pki.resolve(sa + "-key.pem").toString(),
                "ca_certificate_file", pki.resolve("root-cert.pem").toString(),
                "refresh_interval", "60s"));
    }

    @AfterEach
    void stop() {
        InProcess.close(client, server == null ? null : (AutoCloseable) () -> server.shutdownNow(), node);
    }
}

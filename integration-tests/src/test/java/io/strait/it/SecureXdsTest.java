package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * xDS on the secure port of {@code strait up} (the CA's, like istiod's 15012), with real TLS and certificates from the
 * node's own CA: the caller's certificate must prove the node's namespace and service account, and credentialName
 * secrets reach only authenticated proxies of the secret's namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureXdsTest {
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    private static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    private static final Node GATEWAY = node("router~10.0.0.9~gw-1.web~web.svc.cluster.local", "web", "gw");

    private MeshFixture mesh;
    private StraitNode node;
    private MeshWorkloadCerts certs;
    private String webCertPem;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        mesh = new MeshFixture(tmp.resolve("config"));
        Path secrets = tmp.resolve("secrets");
        webCertPem = tlsSecret(secrets, "web", "web-cert");
        tlsSecret(secrets, "other", "x");
        tlsSecret(secrets, "other", "web-cert"); // same name, other namespace: must never reach web's gateway
        node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"), mesh.configDir, "127.0.0.1",
                EmbeddedKafka.freePort(), -1, "front-secure", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)
                .withXdsSecurity(true, null, secrets)).start();
        certs = new MeshWorkloadCerts(node.ca().keys());
    }

    @AfterAll
    void stop() {
        InProcess.close(node, mesh);
    }

    @Test
    void theRightIdentityGetsItsScope() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(certs.channelAs(node.secureXdsPort(), "spiffe://cluster.local/ns/bookinfo/sa/default"))) {
            ads.send(lds(RawAdsStream.GRPC_CLIENT));
            DiscoveryResponse response = ads.next(30);
            assertThat(response).as("an LDS response on the secure port within 30 s").isNotNull();
            assertThat(response.getResources(0).unpack(Listener.class).getName()).isEqualTo(MeshFixture.AUTHORITY);
        }
    }

    @Test
    void noClientCertificateIsRefusedUnauthenticated() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(certs.anonymousChannel(node.secureXdsPort()))) {
            ads.send(lds(RawAdsStream.GRPC_CLIENT));
            Status status = Status.fromThrowable(ads.ending(30));
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(status.getDescription()).contains("the secure port requires a mesh workload certificate");
        }
    }

    @Test
    void claimingAnotherServiceAccountIsPermissionDeniedNamingBoth() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(certs.channelAs(node.secureXdsPort(), "spiffe://cluster.local/ns/shop/sa/a"))) {
            ads.send(lds(node("sidecar~10.0.0.5~b-1.shop~shop.svc.cluster.local", "shop", "b")));
            Status status = Status.fromThrowable(ads.ending(30));
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("spiffe://cluster.local/ns/shop/sa/a").contains("shop/b");
            assertThat(ads.next(0)).isNull();
        }
    }

    @Test
    void aGatewayGetsItsNamespacesSecretsOnly() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(certs.channelAs(node.secureXdsPort(), "spiffe://cluster.local/ns/web/sa/gw"))) {
            ads.send(sds(GATEWAY, "kubernetes://web-cert", "kubernetes://other/x", "kubernetes://other/web-cert"));
            DiscoveryResponse response = ads.next(30);
            assertThat(response).as("an SDS response within 30 s").isNotNull();
            List<Secret> sent = response.getResourcesList().stream().map(a -> unpack(a, Secret.class)).toList();
            assertThat(sent).extracting(Secret::getName).containsExactly("kubernetes://web-cert");
            // web's own certificate, not other's same-named one
            assertThat(sent.get(0).getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8()).isEqualTo(webCertPem);

            ads.send(sds(GATEWAY, "kubernetes://other/x").toBuilder().setVersionInfo(response.getVersionInfo())
                    .setResponseNonce(response.getNonce()).build());
            assertThat(ads.next(3)).as("another namespace's secret is never sent").isNull();
        }
    }

    @Test
    void aPlaintextStreamGetsNoSecret() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(node.xdsPort())) {
            ads.send(sds(GATEWAY, "kubernetes://web-cert"));
            assertThat(ads.next(3)).as("no private key on the plaintext port").isNull();
        }
    }

    @Test
    void oneNodeMayHoldSeveralStreams() throws Exception {
        String identity = "spiffe://cluster.local/ns/bookinfo/sa/default";
        int before = node.connectedProxies();
        RawAdsStream first = new RawAdsStream(certs.channelAs(node.secureXdsPort(), identity));
        try (RawAdsStream second = new RawAdsStream(certs.channelAs(node.secureXdsPort(), identity))) {
            first.send(lds(RawAdsStream.GRPC_CLIENT));
            second.send(lds(RawAdsStream.GRPC_CLIENT));
            assertThat(first.next(30)).as("the first stream is served").isNotNull();
            assertThat(second.next(30)).as("the second stream is served").isNotNull();
            assertThat(node.connectedProxies()).isEqualTo(before + 1);
            first.close();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> node.connectedProxies() == before + 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> node.connectedProxies() == before);
    }

    @Test
    void theSecurePortTakesThePlaintextPortsTransportLimits() throws Exception {
        int limit = io.strait.ca.grpc.TransportLimits.defaults().maxInboundMessageBytes();
        assertThat(limit).isEqualTo(io.strait.xds.FrontLimits.defaults().maxInboundMessageBytes());
        String identity = "spiffe://cluster.local/ns/bookinfo/sa/default";
        // 256 KiB: over the 64 KiB the secure port used to cap requests at, well under the shared 4 MiB; served
        Node padded = RawAdsStream.GRPC_CLIENT.toBuilder().setMetadata(RawAdsStream.GRPC_CLIENT.getMetadata().toBuilder()
                .putFields("PAD", Value.newBuilder().setStringValue("p".repeat(256 * 1024)).build())).build();
        try (RawAdsStream ads = new RawAdsStream(certs.channelAs(node.secureXdsPort(), identity))) {
            ads.send(lds(padded));
            assertThat(ads.next(30)).as("a 256 KiB request on the secure port is served").isNotNull();
        }
        // over the limit: gRPC refuses it before it is parsed, as on the plaintext port (HostileClientsTest)
        try (RawAdsStream ads = new RawAdsStream(certs.channelAs(node.secureXdsPort(), identity))) {
            ads.send(lds(RawAdsStream.GRPC_CLIENT).toBuilder().addResourceNames("x".repeat(limit + 1024)).build());
            Status status = Status.fromThrowable(ads.ending(30));
            assertThat(status.getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
            HostileClients.assertClean(status);
            System.out.println("oversized request on the secure port: " + status);
        }
    }

    private static DiscoveryRequest lds(Node n) {
        return DiscoveryRequest.newBuilder().setNode(n).setTypeUrl(LDS).addResourceNames(MeshFixture.AUTHORITY).build();
    }

    private static DiscoveryRequest sds(Node n, String... names) {
        return DiscoveryRequest.newBuilder().setNode(n).setTypeUrl(SDS).addAllResourceNames(List.of(names)).build();
    }

    private static Node node(String id, String namespace, String serviceAccount) {
        return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
                .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
                .putFields("SERVICE_ACCOUNT", Value.newBuilder().setStringValue(serviceAccount).build())).build();
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** A TLS secret (tls.crt, tls.key) in the secret directory; returns the certificate's PEM. */
    private static String tlsSecret(Path root, String namespace, String name) throws Exception {
        CertificateAuthority issuer = new CertificateAuthority(io.strait.ca.keys.SelfSignedRoot.create(KeyType.ECDSA, "example.org",
                Clock.systemUTC()), IssuancePolicy.ISTIO, Clock.systemUTC());
        KeyPair pair = KeyType.ECDSA.generate();
        String pem = Pem.of(issuer.signServing(pair.getPublic(), List.of(name + "." + namespace + ".example.org"), List.of(),
                Duration.ofHours(1)));
        Path entry = Files.createDirectories(root.resolve(namespace).resolve(name));
        Files.writeString(entry.resolve("tls.crt"), pem);
        Files.writeString(entry.resolve("tls.key"), Pem.of(pair.getPrivate()));
        return pem;
    }
}

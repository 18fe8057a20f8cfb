package io.strait.agent.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.role.CaOptions;
import io.strait.ca.role.CaRole;
import io.strait.model.json.Json;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real CA role on a real TLS secure port: issuance, rotation by certificate, SDS, trust changes. */
class WorkloadAgentTest {
    private static final SpiffeId WEB = new SpiffeId("cluster.local", "shop", "web");
    private final List<AutoCloseable> open = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private CaRole ca(Path dir, boolean pluggedIn) throws Exception {
        CaOptions o = new CaOptions(dir, pluggedIn, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test");
        CaRole role = new CaRole(o, null, Clock.systemUTC(), List.of()).start();
        open.add(role);
        return role;
    }

    private WorkloadAgent agent(CaRole ca, String token, Duration ttl) throws Exception {
        AgentOptions o = AgentOptions.of("127.0.0.1:" + ca.securePort(), token, "web-1", "shop", "web", tmp.resolve("w"))
                .withCertTtl(ttl).withLabels(java.util.Map.of("app", "web"));
        WorkloadAgent agent = WorkloadAgent.start(o);
        open.add(agent);
        return agent;
    }

    private static X509Certificate leaf(Path chain) throws Exception {
        return Pem.certificates(Files.readString(chain), "chain").get(0);
    }

    @Test
    void theFirstCertificateNamesOnlyTheWorkloadsSpiffeIdAndTheBootstrapItsProxy() throws Exception {
        CaRole ca = ca(tmp.resolve("ca"), false);
        WorkloadAgent agent = agent(ca, ca.issueToken(WEB, Duration.ofHours(1)), Duration.ofHours(1));

        X509Certificate leaf = leaf(agent.files().certChain());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, WEB.uri()));
        assertThat(leaf.getPublicKey()).isEqualTo(agent.credentials().leaf().getPublicKey());
        assertThat(Pem.privateKey(Files.readString(agent.files().key()), "key")).isEqualTo(agent.credentials().key());
        assertThat(Pem.certificates(Files.readString(agent.files().rootCert()), "roots")).containsExactly(ca.keys().root());
        var json = Json.MAPPER.readTree(Files.readString(agent.options().bootstrapFile()));
        assertThat(json.at("/xds_servers/0/server_uri").asText()).isEqualTo("unix://" + tmp.resolve("w").toAbsolutePath() + "/XDS");
        assertThat(json.at("/node/metadata/SERVICE_ACCOUNT").asText()).isEqualTo("web");
        assertThat(json.at("/node/id").asText()).isEqualTo("sidecar~127.0.0.1~web-1.shop~shop.svc.cluster.local");
        assertThat(agent.options().xdsSocket()).exists();
        assertThat(agent.options().sdsSocket()).isEqualTo(tmp.resolve("w/workload-spiffe-uds/socket").toAbsolutePath()).exists();
    }

    /**
     * 20 s certificates renew every ~10 s, with the certificate alone: the join token expired seconds after start.
     * Each renewal is a new key and serial in the files, and SDS pushes the new {@code default} on its open stream.
     */
    @Test
    void itRenewsWithItsCertificateAndPushesEachRotationOverSds() throws Exception {
        CaRole ca = ca(tmp.resolve("ca"), false);
        WorkloadAgent agent = agent(ca, ca.issueToken(WEB, Duration.ofSeconds(3)), Duration.ofSeconds(20));
        BigInteger first = agent.credentials().serial();

        ManagedChannel sds = Grpc.newChannelBuilder("unix://" + agent.options().sdsSocket(), InsecureChannelCredentials.create()).build();
        open.add(() -> sds.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        List<DiscoveryResponse> pushed = new CopyOnWriteArrayList<>();
        StreamObserver<DiscoveryRequest> requests = SecretDiscoveryServiceGrpc.newStub(sds).streamSecrets(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
                pushed.add(r);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(DiscoveryRequest.newBuilder().addResourceNames("default").addResourceNames("ROOTCA").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !pushed.isEmpty());
        DiscoveryResponse initial = pushed.get(0);
        assertThat(initial.getResourcesList()).hasSize(2);
        Secret def = initial.getResources(0).unpack(Secret.class);
        Secret rootCa = initial.getResources(1).unpack(Secret.class);
        assertThat(def.getName()).isEqualTo("default");
        assertThat(Pem.certificates(def.getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8(), "sds").get(0).getSerialNumber())
                .isEqualTo(first);
        assertThat(Pem.privateKey(def.getTlsCertificate().getPrivateKey().getInlineBytes().toStringUtf8(), "sds key"))
                .isEqualTo(agent.credentials().key());
        assertThat(rootCa.getName()).isEqualTo("ROOTCA");
        assertThat(Pem.certificates(rootCa.getValidationContext().getTrustedCa().getInlineBytes().toStringUtf8(), "roots"))
                .containsExactly(ca.keys().root());
        requests.onNext(DiscoveryRequest.newBuilder().addResourceNames("default").addResourceNames("ROOTCA")
                .setVersionInfo(initial.getVersionInfo()).setResponseNonce(initial.getNonce()).build());

        Set<BigInteger> serials = ConcurrentHashMap.newKeySet();
        serials.add(first);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            serials.add(leaf(agent.files().certChain()).getSerialNumber());
            return serials.size() >= 3;
        });
        assertThat(ca.service().issued()).isGreaterThanOrEqualTo(3);
        X509Certificate now = leaf(agent.files().certChain());
        assertThat(Pem.privateKey(Files.readString(agent.files().key()), "key")).isEqualTo(agent.credentials().key());
        assertThat(now.getSubjectAlternativeNames()).containsExactly(List.of(6, WEB.uri()));
        // SDS pushed every rotation on the stream opened before them, each a new default
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pushed.stream().map(r -> serialOf(r)).distinct().count())
                .isGreaterThanOrEqualTo(3));
        requests.onCompleted();
    }

    private static BigInteger serialOf(DiscoveryResponse r) {
        try {
            Secret s = r.getResources(0).unpack(Secret.class);
            return Pem.certificates(s.getTlsCertificate().getCertificateChain().getInlineBytes().toStringUtf8(), "sds").get(0).getSerialNumber();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A root added to a plugged-in CA's root-cert.pem (a rotation's overlap) reaches root-cert.pem and ROOTCA. */
    @Test
    void aRootAddedToThePluggedInCaReachesTheWorkload() throws Exception {
        Path dir = tmp.resolve("cacerts");
        CaKeys keys = SelfSignedRoot.createOrLoad(dir, KeyType.ECDSA, "cluster.local", Clock.systemUTC());
        CaRole ca = ca(dir, true);
        WorkloadAgent agent = agent(ca, ca.issueToken(WEB, Duration.ofHours(1)), Duration.ofHours(1));
        assertThat(Pem.certificates(Files.readString(agent.files().rootCert()), "roots")).containsExactly(keys.root());

        X509Certificate next = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC()).root();
        Files.writeString(dir.resolve("root-cert.pem"), Pem.of(List.of(keys.root(), next)));
        ca.reload();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Pem.certificates(Files.readString(agent.files().rootCert()), "roots")).containsExactly(keys.root(), next));
        assertThat(agent.credentials().roots()).containsExactly(keys.root(), next);
    }
}

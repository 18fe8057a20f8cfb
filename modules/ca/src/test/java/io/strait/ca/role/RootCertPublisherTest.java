package io.strait.ca.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.strait.ca.CrudCluster;
import io.strait.ca.TestPki;
import io.strait.ca.auth.TokenReviewCluster;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The CA role writing Istio's istio-ca-root-cert ConfigMaps into fabric8's mock API servers in CRUD mode (real HTTP,
 * list and watch): into every namespace there is and every one created, restored when edited or deleted, rewritten
 * with both roots when a plugged-in CA is rotated, and one unreachable or refusing cluster never stopping the others.
 * The full resync is an hour, so what happens here is driven by the watches.
 */
class RootCertPublisherTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final RootCertPublisher.Timing TIMING = new RootCertPublisher.Timing(Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofHours(1));
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private TestPki.Issued oldRoot;
    private Path caDir;
    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        log.start();
        logger().addAppender(log);
        oldRoot = TestPki.root("CN=Old Root");
        TestPki.Issued ca = TestPki.intermediate(oldRoot, "CN=Mesh CA", Instant.now().plus(Duration.ofDays(365)));
        caDir = TestPki.cacerts(tmp.resolve("cacerts"), ca, List.of(ca.cert(), oldRoot.cert()), List.of(oldRoot.cert()));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        logger().detachAppender(log);
    }

    private static ch.qos.logback.classic.Logger logger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RootCertPublisher.class);
    }

    private CrudCluster cluster(String... namespaces) {
        CrudCluster c = new CrudCluster();
        open.add(c);
        for (String ns : namespaces) {
            c.namespace(ns);
        }
        return c;
    }

    private CaRole ca(List<TokenReviewCluster> clusters) throws Exception {
        CaOptions o = new CaOptions(caDir, true, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test").withKubernetesTokens(clusters);
        CaRole role = new CaRole(o, null, Clock.systemUTC(), List.of()).withRootCertTiming(TIMING).start();
        open.add(role);
        return role;
    }

    private TokenReviewCluster east(CrudCluster c) throws Exception {
        return new TokenReviewCluster("east", c.kubeconfig(tmp.resolve("east.kubeconfig")), List.of());
    }

    private static ConfigMap rootCert(CrudCluster c, String ns) {
        return c.client().configMaps().inNamespace(ns).withName(RootCertConfigMaps.NAME).get();
    }

    private static void assertHolds(CrudCluster c, String ns, String pem) {
        ConfigMap cm = rootCert(c, ns);
        assertThat(cm).as("ConfigMap in " + ns).isNotNull();
        assertThat(cm.getData()).containsEntry(RootCertConfigMaps.KEY, pem);
        assertThat(cm.getMetadata().getLabels()).containsEntry("istio.io/config", "true");
    }

    @Test
    void everyNamespaceGetsTheRootsAndSoDoesANewOne() throws Exception {
        CrudCluster east = cluster("default", "shop", "kube-system", "kube-public", "kube-node-lease");
        CaRole ca = ca(List.of(east(east)));
        String pem = ca.keys().rootsPem();
        assertThat(Pem.certificates(pem, "roots")).containsExactly(oldRoot.cert());

        await().atMost(BOUND).untilAsserted(() -> {
            for (String ns : List.of("default", "shop", "kube-system")) {
                assertHolds(east, ns, pem);
            }
        });
        // the system namespaces istiod skips stay without it
        assertThat(rootCert(east, "kube-public")).isNull();
        assertThat(rootCert(east, "kube-node-lease")).isNull();

        east.namespace("bank");
        await().atMost(BOUND).untilAsserted(() -> assertHolds(east, "bank", pem));
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("cluster east: ConfigMap istio-ca-root-cert (root-cert.pem) up to date in"));
    }

    @Test
    void anEditedOrDeletedConfigMapIsPutBackKeepingWhatElseItHolds() throws Exception {
        CrudCluster east = cluster("shop");
        CaRole ca = ca(List.of(east(east)));
        String pem = ca.keys().rootsPem();
        await().atMost(BOUND).untilAsserted(() -> assertHolds(east, "shop", pem));

        ConfigMap edited = new ConfigMapBuilder(rootCert(east, "shop")).editMetadata().withLabels(Map.of("team", "shop")).endMetadata()
                .withData(Map.of(RootCertConfigMaps.KEY, "-----BEGIN CERTIFICATE-----\nbogus\n-----END CERTIFICATE-----\n", "note", "mine"))
                .build();
        east.client().configMaps().inNamespace("shop").resource(edited).update();
        await().atMost(BOUND).untilAsserted(() -> {
            assertHolds(east, "shop", pem);
            assertThat(rootCert(east, "shop").getData()).containsEntry("note", "mine");
            assertThat(rootCert(east, "shop").getMetadata().getLabels()).containsEntry("team", "shop");
        });

        east.client().configMaps().inNamespace("shop").withName(RootCertConfigMaps.NAME).delete();
        await().atMost(BOUND).untilAsserted(() -> {
            assertHolds(east, "shop", pem);
            assertThat(rootCert(east, "shop").getData()).containsOnlyKeys(RootCertConfigMaps.KEY);
        });
    }

    @Test
    void aRotatedPluggedInRootReachesEveryNamespaceWithBothRoots() throws Exception {
        CrudCluster east = cluster("default", "shop");
        CaRole ca = ca(List.of(east(east)));
        await().atMost(BOUND).untilAsserted(() -> assertHolds(east, "shop", ca.keys().rootsPem()));

        // rotation with overlap: a CA under a new root, both roots trusted
        TestPki.Issued newRoot = TestPki.root("CN=New Root");
        TestPki.Issued newCa = TestPki.intermediate(newRoot, "CN=Mesh CA 2", Instant.now().plus(Duration.ofDays(365)));
        Path next = TestPki.cacerts(tmp.resolve("next"), newCa, List.of(newCa.cert(), newRoot.cert()), List.of(oldRoot.cert(), newRoot.cert()));
        for (String f : List.of("root-cert.pem", "cert-chain.pem", "ca-cert.pem", "ca-key.pem")) {
            Files.copy(next.resolve(f), caDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ca.reload();
        String both = ca.keys().rootsPem();
        assertThat(Pem.certificates(both, "roots")).containsExactly(oldRoot.cert(), newRoot.cert());
        await().atMost(BOUND).untilAsserted(() -> {
            assertHolds(east, "default", both);
            assertHolds(east, "shop", both);
        });
    }

    @Test
    void anUnreachableClusterIsLoggedOnceAndTheOtherClusterIsWritten() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        TokenReviewCluster gone = new TokenReviewCluster("gone", CrudCluster.kubeconfig(tmp.resolve("gone.kubeconfig"), closed), List.of());
        CrudCluster east = cluster("shop");
        CaRole ca = ca(List.of(gone, east(east)));
        assertThat(ca.securePort()).isPositive();

        await().atMost(BOUND).untilAsserted(() -> assertHolds(east, "shop", ca.keys().rootsPem()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(warnings("cluster gone:")).isNotEmpty());
        assertThat(warnings("cluster gone:").get(0)).contains("cannot list and watch").contains("cannot reach http://localhost:" + closed)
                .doesNotContain("Exception");
        // the informers keep retrying (every second), the log does not repeat itself
        await().during(Duration.ofSeconds(3)).atMost(BOUND).until(() -> warnings("cluster gone:").size() == 1);
        assertThat(warnings("cluster east:")).isEmpty();
    }

    @Test
    void aRefusedWriteNamesThePermissionTheCaLacksAndIsRetried() throws Exception {
        CrudCluster east = cluster("shop", "bank");
        east.forbid(r -> r.getMethod().equals("POST") && r.getPath().contains("/configmaps"));
        CaRole ca = ca(List.of(east(east)));
        await().atMost(BOUND).untilAsserted(() -> assertThat(warnings("cluster east:")).hasSize(1));
        assertThat(warnings("cluster east:").get(0))
                .contains("cannot create ConfigMap istio-ca-root-cert: HTTP 403")
                .contains("needs create on configmaps");
        assertThat(rootCert(east, "shop")).isNull();

        // the permission granted: the next event (or the periodic resync) writes it, and the recovery is logged
        east.forbid(r -> false);
        east.namespace("edge");
        await().atMost(BOUND).untilAsserted(() -> assertHolds(east, "edge", ca.keys().rootsPem()));
    }

    @Test
    void twoCasThatDisagreeOnTheRootsUndoEachOtherAtMostOncePerRewriteInterval() throws Exception {
        CrudCluster east = cluster("shop");
        CaRole first = ca(List.of(east(east)));
        TestPki.Issued otherRoot = TestPki.root("CN=Other Root");
        TestPki.Issued otherCa = TestPki.intermediate(otherRoot, "CN=Mesh CA", Instant.now().plus(Duration.ofDays(365)));
        caDir = TestPki.cacerts(tmp.resolve("other"), otherCa, List.of(otherCa.cert(), otherRoot.cert()), List.of(otherRoot.cert()));
        CaRole second = ca(List.of(east(east)));
        assertThat(second.keys().rootsPem()).isNotEqualTo(first.keys().rootsPem());
        await().atMost(BOUND).until(() -> rootCert(east, "shop") != null);
        int before = east.configMapWrites();
        // over 3 s each CA may rewrite the namespace once per 300 ms: about 20 writes, where watches alone allow hundreds
        await().pollDelay(Duration.ofSeconds(3)).atMost(BOUND).untilAsserted(() ->
                assertThat(east.configMapWrites() - before).isBetween(2, 30));
    }

    @Test
    void turnedOffItWritesNothing() throws Exception {
        CrudCluster east = cluster("shop");
        CaOptions o = new CaOptions(caDir, true, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test").withKubernetesTokens(List.of(east(east)))
                .withKubernetesRootConfigMap(false);
        assertThat(o.writesRootConfigMaps()).isFalse();
        open.add(new CaRole(o, null, Clock.systemUTC(), List.of()).withRootCertTiming(TIMING).start());
        assertThat(log.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("writing ConfigMap"));
        assertThat(rootCert(east, "shop")).isNull();
    }

    private List<String> warnings(String prefix) {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith(prefix)).toList();
    }
}

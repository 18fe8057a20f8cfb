package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.strait.agent.role.WorkloadAgent;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotate under load and no call fails. STRICT mTLS between a grpc-xds client and server, each holding a
 * 60 s certificate from its {@code strait agent}: for three minutes the client calls without pause on a long-lived
 * channel and, every second, on a new one (a new TLS handshake with whatever the files hold then), across several
 * rotations on both sides. Then the plugged-in CA's root is rotated as Istio documents it, with an overlap: the new
 * root is added to {@code root-cert.pem} (both trusted), the CA switches to signing with the new root, every
 * workload rotates onto it, and the old root is removed — calls go on throughout. Zero failed calls, both ways.
 */
class RotationUnderLoadTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private SecureMesh mesh;
    private ManagedChannel client;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> load = new ArrayList<>();

    @Test
    void noCallFailsAcrossCertificateAndRootRotations(@TempDir Path tmp) throws Exception {
        Path caDir = tmp.resolve("cacerts");
        CaKeys oldRoot = root("Strait proof root 1");
        CaKeys newRoot = root("Strait proof root 2");
        plug(caDir, oldRoot, List.of(oldRoot.signingCert()));
        mesh = new SecureMesh(tmp, caDir, "STRICT");
        WorkloadAgent greeter = mesh.agent("greeter", "greeter-1", Map.of("app", "greeter"), TTL);
        WorkloadAgent checkout = mesh.agent("checkout", "checkout-1", Map.of("app", "checkout"), TTL);
        mesh.startServer(greeter);
        String scheme = SecureMesh.resolverFor(checkout);
        client = SecureMesh.channel(scheme);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(SecureMesh.call(client, 2_000)).isEqualTo("greeter-1"));
        assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");

        AtomicLong ok = new AtomicLong();
        AtomicLong fresh = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        run("steady", () -> {
            SecureMesh.call(client, 5_000);
            ok.incrementAndGet();
            pause(20); // 50 calls a second: continuous, and leaves the two cores to the mesh
        }, failures);
        run("fresh", () -> {
            // a new channel per call: a new xDS-configured connection and TLS handshake with the files as they are now
            ManagedChannel once = SecureMesh.channel(scheme);
            try {
                SecureMesh.call(once, 10_000);
                fresh.incrementAndGet();
            } finally {
                once.shutdownNow();
            }
            pause(1_000);
        }, failures);

        // three minutes of rotations: each side renews at about half of 60 s
        Set<BigInteger> serverSerials = ConcurrentHashMap.newKeySet();
        Set<BigInteger> clientSerials = ConcurrentHashMap.newKeySet();
        Instant start = Instant.now();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            serverSerials.add(greeter.credentials().serial());
            clientSerials.add(checkout.credentials().serial());
            return Duration.between(start, Instant.now()).compareTo(Duration.ofMinutes(3)) >= 0;
        });
        assertThat(failures).isEmpty();
        assertThat(serverSerials).as("server certificates held over 3 minutes").hasSizeGreaterThanOrEqualTo(3);
        assertThat(clientSerials).as("client certificates held over 3 minutes").hasSizeGreaterThanOrEqualTo(3);
        long afterRotations = ok.get();
        long freshAfterRotations = fresh.get();

        // root rotation, step 1: both roots trusted; the CA still signs with the old one
        plug(caDir, oldRoot, List.of(oldRoot.signingCert(), newRoot.signingCert()));
        mesh.node.ca().reload();
        await().atMost(Duration.ofSeconds(30)).until(() -> greeter.credentials().roots().size() == 2
                && checkout.credentials().roots().size() == 2);
        // step 2: the CA signs with the new root; each workload moves to it at its next renewal
        plug(caDir, newRoot, List.of(oldRoot.signingCert(), newRoot.signingCert()));
        mesh.node.ca().reload();
        await().atMost(Duration.ofSeconds(90)).until(() -> signedBy(greeter, newRoot) && signedBy(checkout, newRoot));
        long freshOnNewRoot = fresh.get();
        // let new handshakes run on the new certificates (file watchers refresh every 5 s) before the old root goes
        await().atMost(Duration.ofSeconds(60)).until(() -> fresh.get() >= freshOnNewRoot + 8);
        // step 3: the old root is no longer trusted anywhere
        plug(caDir, newRoot, List.of(newRoot.signingCert()));
        mesh.node.ca().reload();
        await().atMost(Duration.ofSeconds(30)).until(() -> greeter.credentials().roots().equals(List.of(newRoot.signingCert()))
                && checkout.credentials().roots().equals(List.of(newRoot.signingCert())));
        long freshOnlyNewRoot = fresh.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> fresh.get() >= freshOnlyNewRoot + 8);
        stop.set(true);
        for (Thread t : load) {
            t.join(15_000);
        }
        System.out.printf("rotation under load: %d calls on the long-lived channel and %d on new channels in the first 3 minutes "
                        + "(%d / %d server / client certificates), %d and %d through the root rotation, %d failed%n",
                afterRotations, freshAfterRotations, serverSerials.size(), clientSerials.size(), ok.get() - afterRotations,
                fresh.get() - freshAfterRotations, failures.size());
        assertThat(failures).isEmpty();
        assertThat(Files.readString(greeter.files().rootCert())).isEqualTo(Pem.of(newRoot.signingCert()));
        assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");
    }

    private static boolean signedBy(WorkloadAgent agent, CaKeys root) {
        try {
            agent.credentials().leaf().verify(root.signingCert().getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs {@code call} in a loop on its own thread until the test stops it, recording each failure. */
    private void run(String name, ThrowingRunnable call, List<String> failures) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try {
                    call.run();
                } catch (Exception e) {
                    failures.add(Instant.now() + " " + name + ": " + e);
                }
            }
        }, "load-" + name);
        t.setDaemon(true);
        t.start();
        load.add(t);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the load's pace, not a wait for an outcome
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes Istio's cacerts layout: signing with {@code signing}'s root itself, trusting {@code roots}. */
    private static void plug(Path dir, CaKeys signing, List<X509Certificate> roots) throws Exception {
        Files.createDirectories(dir);
        write(dir.resolve("ca-key.pem"), Pem.of(signing.signingKey()));
        write(dir.resolve("ca-cert.pem"), Pem.of(signing.signingCert()));
        write(dir.resolve("cert-chain.pem"), Pem.of(signing.signingCert()));
        write(dir.resolve("root-cert.pem"), Pem.of(roots));
    }

    private static void write(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A self-signed root with its own name (two roots of one mesh should not share a subject). */
    private static CaKeys root(String cn) throws Exception {
        KeyPair pair = KeyType.ECDSA.generate();
        X500Name name = new X500Name("O=cluster.local,CN=" + cn);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(128, new SecureRandom()).setBit(127),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new CaKeys(pair.getPrivate(), cert, List.of(cert), List.of(cert));
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        stop.set(true);
        for (Thread t : load) {
            t.join(15_000);
        }
        InProcess.close(client == null ? null : (AutoCloseable) client::shutdownNow, mesh);
    }
}

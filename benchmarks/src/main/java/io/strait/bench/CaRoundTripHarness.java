package io.strait.bench;

import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.grpc.CertificateServiceClient;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.role.CaOptions;
import io.strait.ca.role.CaRole;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate rotation as a workload performs it, end to end: a new TLS connection to the secure port, Istio's
 * CreateCertificate with a join token, the chain back. CA and client share this JVM, so the process CPU per
 * certificate it prints counts both ends of the TLS handshake and of the call — an upper bound of the CA's own share.
 *
 * <pre>java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.CaRoundTripHarness --seconds 10</pre>
 */
public final class CaRoundTripHarness {
    private CaRoundTripHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 1 && args[0].equals("--seconds") ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("strait-ca-bench");
        CaOptions options = new CaOptions(dir.resolve("ca"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "bench");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (CaRole ca = new CaRole(options, null, Clock.systemUTC(), List.of()).start()) {
            String token = ca.issueToken(new SpiffeId("cluster.local", "bookinfo", "reviews"), Duration.ofHours(1));
            CaSigningBenchmark csrSource = new CaSigningBenchmark();
            csrSource.caKeyType = "ECDSA";
            csrSource.setUp();
            String csr = csrSource.csr();
            byte[] roots = Pem.bytes(ca.keys().rootsPem());
            run(ca.securePort(), roots, csr, token, 15); // warm-up: process CPU counts the JIT compiler threads too
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long n = run(ca.securePort(), roots, csr, token, seconds);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpuPer = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
            System.out.printf("%d rotations in %.1f s: %.0f /s (new TLS connection + CreateCertificate each), %.0f µs process CPU per "
                    + "rotation (CA and client)%n", n, wall, n / wall, cpuPer);
            double perSecond = 10_000 / 86_400.0;
            System.out.printf("10000 workloads rotating every 24 h: %.2e of one core, both ends counted%n", perSecond * cpuPer / 1e6);
            ManagedChannel shared = NettyChannelBuilder.forAddress("127.0.0.1", ca.securePort(),
                    TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(roots)).build()).build();
            CertificateServiceClient client = new CertificateServiceClient(shared, Duration.ofSeconds(10));
            long reuseEnd = System.nanoTime() + seconds * 1_000_000_000L;
            long m = 0;
            cpu0 = os.getProcessCpuTime();
            t0 = System.nanoTime();
            while (System.nanoTime() < reuseEnd) {
                client.createCertificate(csr, Duration.ofHours(24), token);
                m++;
            }
            System.out.printf("%d calls on one connection: %.0f /s, %.0f µs process CPU per call (CA and client)%n", m,
                    m / ((System.nanoTime() - t0) / 1e9), (os.getProcessCpuTime() - cpu0) / 1e3 / m);
            shared.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static long run(int port, byte[] roots, String csr, String token, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port,
                    TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(roots)).build()).build();
            try {
                new CertificateServiceClient(ch, Duration.ofSeconds(10)).createCertificate(csr, Duration.ofHours(24), token);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            n++;
        }
        return n;
    }
}

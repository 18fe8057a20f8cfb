package io.strait.bench;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.SelfSignedRoot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CA's signing cost as CPU time, which a shared or loaded machine does not distort the way wall-clock throughput
 * is: each of {@code --threads} threads signs workload certificates for {@code --seconds}; the harness prints
 * certificates per second (wall), CPU microseconds per certificate (thread CPU time), and from the latter the CA's
 * share of one core when {@code --workloads} workloads each rotate once per {@code --rotation-hours}.
 *
 * <pre>java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.CaSigningHarness --ca ECDSA --threads 2</pre>
 */
public final class CaSigningHarness {
    private CaSigningHarness() {
    }

    public static void main(String[] args) throws Exception {
        String type = arg(args, "--ca", "ECDSA");
        int threads = Integer.parseInt(arg(args, "--threads", "1"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
        long workloads = Long.parseLong(arg(args, "--workloads", "10000"));
        double rotationHours = Double.parseDouble(arg(args, "--rotation-hours", "24"));

        CertificateAuthority ca = new CertificateAuthority(SelfSignedRoot.create(KeyType.parse(type), "cluster.local", Clock.systemUTC()),
                IssuancePolicy.ISTIO, Clock.systemUTC());
        CaSigningBenchmark csrSource = new CaSigningBenchmark();
        csrSource.caKeyType = type;
        csrSource.setUp();
        String csr = csrSource.csr();
        SpiffeId id = new SpiffeId("cluster.local", "bookinfo", "reviews");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        // warm-up: JIT and BouncyCastle's precomputed tables
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            ca.sign(csr, id, Duration.ofHours(24));
        }
        AtomicLong count = new AtomicLong();
        AtomicLong cpu = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                long n = 0;
                try {
                    while (System.nanoTime() < end) {
                        ca.sign(csr, id, Duration.ofHours(24));
                        n++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                count.addAndGet(n);
            });
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpuPerCert = cpu.get() / 1e3 / count.get();
        double perSecondNeeded = workloads / (rotationHours * 3600);
        System.out.printf("CA %s, %d thread(s), %d s: %d certificates, %.0f certificates/s (wall), %.0f µs CPU per certificate "
                        + "(= %.0f certificates/s per core)%n", type, threads, seconds, count.get(), count.get() / wall, cpuPerCert, 1e6 / cpuPerCert);
        System.out.printf("%d workloads rotating every %.0f h: %.3f certificates/s -> %.2e of one core (%.1f ms CPU per minute)%n",
                workloads, rotationHours, perSecondNeeded, perSecondNeeded * cpuPerCert / 1e6, perSecondNeeded * cpuPerCert * 60 / 1e3);
    }

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}

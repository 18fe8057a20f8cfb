package io.strait.agent.role;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.agent.credentials.CaClient;
import io.strait.agent.credentials.CredentialFiles;
import io.strait.agent.credentials.MeshChannels;
import io.strait.agent.credentials.WorkloadCredentials;
import io.strait.agent.proxy.UpstreamChannel;
import io.strait.agent.proxy.XdsProxy;
import io.strait.agent.sds.SecretDiscovery;
import io.strait.agent.socket.UnixSocketServer;
import io.strait.agent.token.BootstrapCredential;
import io.strait.agent.token.JoinTokenCredential;
import io.strait.agent.token.ServiceAccountTokenFile;
import io.strait.agent.token.TokenCheck;
import io.strait.agent.trust.TrustBundleWatch;
import io.strait.ca.token.JoinToken;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The istio-agent role for one workload: gets a certificate with its join token or Kubernetes service-account token
 * ({@link BootstrapCredential}), then keeps key, certificate and
 * roots current — renewed with the certificate itself at half its life (new key each time), roots followed from the
 * CA's trust bundle — in the files, over SDS to Envoy, and on the xDS proxy's upstream connection; writes the
 * workload's gRPC bootstrap. Everything that changes the credentials runs on one thread, so each change is written,
 * pushed and applied whole and in order.
 *
 * <p>{@link #start} fails with one line (an {@link IllegalArgumentException} or {@link CaClient.CaRefused}) before
 * it writes anything when the token does not fit the flags, has expired, is refused, or the CA is unreachable or not
 * the token's. When the certificate expired (the CA was away longer than its life), the token — a service-account
 * token file read again, as the kubelet rotates it — is the way back.
 */
public final class WorkloadAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadAgent.class);
    /** How long start waits for the trust bundle before writing the first files with the issuing root alone. */
    private static final Duration FIRST_BUNDLE_WAIT = Duration.ofSeconds(5);

    private final AgentOptions options;
    private final BootstrapCredential credential;
    private final CaClient ca;
    private final CredentialFiles files;
    private final ScheduledExecutorService thread;
    private final AtomicReference<WorkloadCredentials> current = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<AutoCloseable> open = new ArrayList<>();
    private SecretDiscovery sds;
    private UpstreamChannel upstream;
    private int failedRenewals;

    private WorkloadAgent(AgentOptions options, BootstrapCredential credential) {
        this.options = options;
        this.credential = credential;
        this.ca = new CaClient(options.secureAddress(), options.keyType(), options.certTtl(), options.clock(), options.clusterId());
        this.files = new CredentialFiles(options.out());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-agent");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks the token, gets the first certificate, opens the sockets, writes the files, schedules renewal. */
    public static WorkloadAgent start(AgentOptions options) throws IOException {
        WorkloadAgent agent = new WorkloadAgent(options, credential(options));
        try {
            agent.begin();
            return agent;
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** The join token or the service-account token file the options name, checked against the flags. */
    static BootstrapCredential credential(AgentOptions options) {
        Instant now = options.clock().instant();
        if (options.kubernetesTokenFile() != null) {
            if (options.token() != null) {
                throw new IllegalArgumentException("give either a join token (--token/--token-file) or --kubernetes-token-file, not both");
            }
            return ServiceAccountTokenFile.check(options.kubernetesTokenFile(), options.caRootFile(), options.namespace(),
                    options.serviceAccount(), now);
        }
        JoinToken claims = TokenCheck.check(options.token(), options.namespace(), options.serviceAccount(), now);
        List<X509Certificate> roots = options.caRootFile() == null ? List.of()
                : new io.strait.agent.token.CaRootFile(options.caRootFile()).roots();
        return new JoinTokenCredential(options.token(), claims, roots);
    }

    private void begin() throws IOException {
        WorkloadCredentials first = ca.withToken(credential.bearerToken(), credential.caTrust(List.of()), credential.description());
        current.set(first);
        CountDownLatch bundle = new CountDownLatch(1);
        TrustBundleWatch watch = new TrustBundleWatch(() -> MeshChannels.open(options.secureAddress(), MeshChannels.mutualTls(current.get())),
                roots -> {
                    thread.execute(() -> onRoots(roots));
                    bundle.countDown();
                }, thread);
        open.add(watch);
        watch.start();
        try {
            bundle.await(FIRST_BUNDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the trust bundle's roots (if they came) were applied on the agent thread: read them there, in order
        WorkloadCredentials initial = onAgentThread(current::get);
        sds = new SecretDiscovery(initial);
        open.add(new UnixSocketServer(options.sdsSocket(), List.of(sds.bindService()), null));
        if (!options.xdsDirect()) {
            upstream = new UpstreamChannel(options.xdsUpstream().open(initial));
            open.add(upstream);
            open.add(new XdsProxy(options.xdsSocket(), upstream));
        }
        files.write(initial);
        CredentialFiles.writeAtomically(options.bootstrapFile(), bootstrap().toJson());
        LOG.info("workload {} holds certificate {} until {} ({} root(s)); files in {}, SDS on {}{}", identity(initial),
                initial.serial().toString(16), initial.notAfter(), initial.roots().size(), files.dir(), options.sdsSocket(),
                options.xdsDirect() ? "" : ", xDS proxy on " + options.xdsSocket() + " to " + options.secureAddress());
        scheduleRenewal(initial);
    }

    /** The workload's bootstrap: the local xDS proxy, or with {@code --xds-direct} the secure port over A65 TLS. */
    public GrpcBootstrap bootstrap() {
        GrpcBootstrap.FileWatcher watcher = new GrpcBootstrap.FileWatcher(files.certChain(), files.key(), files.rootCert(), options.fileRefresh());
        GrpcBootstrap b = GrpcBootstrap.forWorkload("unix://" + options.xdsSocket(), options.ip(), options.pod(), options.namespace(),
                options.serviceAccount(), options.labels(), options.clusterId()).withCertificates(watcher);
        return options.xdsDirect() ? b.withServer(options.secureAddress(), GrpcBootstrap.tls(watcher)) : b;
    }

    private void scheduleRenewal(WorkloadCredentials c) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Instant at = options.schedule().renewAt(c.receivedAt(), c.notAfter(), r.nextDouble(), r.nextBoolean());
        long delay = Math.max(0, Duration.between(options.clock().instant(), at).toMillis());
        LOG.debug("renewing certificate {} at {}", c.serial().toString(16), at);
        thread.schedule(this::renew, delay, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        WorkloadCredentials held = current.get();
        Instant now = options.clock().instant();
        try {
            WorkloadCredentials next;
            if (!now.isBefore(held.notAfter()) && credential.usableAt(now)) {
                // the certificate expired (the CA was away too long): the token, if still valid, is the way back
                WorkloadCredentials issued = ca.withToken(credential.bearerToken(), credential.caTrust(held.roots()), credential.description());
                List<X509Certificate> roots = new ArrayList<>(held.roots());
                issued.roots().stream().filter(r -> !roots.contains(r)).forEach(roots::add);
                next = issued.withRoots(roots);
            } else {
                next = ca.renew(held);
            }
            failedRenewals = 0;
            apply(next);
            LOG.info("renewed the workload certificate: {} until {}", next.serial().toString(16), next.notAfter());
            scheduleRenewal(next);
        } catch (RuntimeException e) {
            failedRenewals++;
            Duration delay = options.schedule().retryDelay(failedRenewals, now, held.notAfter(), ThreadLocalRandom.current().nextDouble());
            LOG.warn("certificate renewal failed (attempt {}), retrying in {} ms; the current certificate {} {}: {}", failedRenewals,
                    delay.toMillis(), now.isBefore(held.notAfter()) ? "stays valid until" : "EXPIRED at", held.notAfter(), e.getMessage());
            thread.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The trust bundle changed: same key and certificate, new roots everywhere. */
    private void onRoots(List<X509Certificate> roots) {
        WorkloadCredentials held = current.get();
        if (held == null || held.roots().equals(roots)) {
            return;
        }
        LOG.info("trust bundle changed: {} root(s), was {}", roots.size(), held.roots().size());
        if (sds == null) {
            current.set(held.withRoots(roots)); // still starting: begin() writes them
            return;
        }
        apply(held.withRoots(roots));
    }

    /** Files first (a reader of them gets a whole version), then SDS, then new xDS connections. */
    private void apply(WorkloadCredentials next) {
        current.set(next);
        files.write(next);
        sds.update(next);
        if (upstream != null) {
            try {
                upstream.replace(options.xdsUpstream().open(next));
            } catch (RuntimeException e) {
                LOG.warn("cannot open the xDS upstream with the new certificate, keeping the old connection: {}", e.getMessage());
            }
        }
    }

    private <T> T onAgentThread(java.util.concurrent.Callable<T> work) {
        try {
            return thread.submit(work).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the agent's thread did not answer: " + e.getMessage(), e);
        }
    }

    private static String identity(WorkloadCredentials c) {
        try {
            return String.join(",", io.strait.ca.identity.SpiffeId.urisOf(c.leaf()));
        } catch (java.security.GeneralSecurityException e) {
            return c.leaf().getSubjectX500Principal().getName();
        }
    }

    /** What the workload holds now. */
    public WorkloadCredentials credentials() {
        return current.get();
    }

    public CredentialFiles files() {
        return files;
    }

    public AgentOptions options() {
        return options;
    }

    /** Blocks until {@link #close}. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops renewing and closes the sockets (the files stay: the certificate is valid until it expires). */
    @Override
    public void close() {
        thread.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {} failed: {}", open.get(i), e.getMessage());
            }
        }
        open.clear();
        closed.countDown();
    }
}

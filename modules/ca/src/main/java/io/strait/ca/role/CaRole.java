package io.strait.ca.role;

import io.grpc.ServerServiceDefinition;
import io.strait.bus.kafka.BusConfig;
import io.strait.ca.auth.Authenticators;
import io.strait.ca.auth.CallerAuthenticator;
import io.strait.ca.auth.KubernetesTokenAuthenticator;
import io.strait.ca.auth.KubernetesTokenReviewer;
import io.strait.ca.auth.TokenReviewCache;
import io.strait.ca.auth.TokenReviewCluster;
import io.strait.ca.auth.ClientCertificateAuthenticator;
import io.strait.ca.auth.JoinTokenAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.ca.grpc.CertificateMetrics;
import io.strait.ca.grpc.CertificateService;
import io.strait.ca.grpc.DeferredServices;
import io.strait.ca.grpc.MeshTrust;
import io.strait.ca.grpc.SecurePort;
import io.strait.ca.grpc.ServingIdentity;
import io.strait.ca.grpc.TrustBundleService;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.PluggedCa;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.token.JoinTokens;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Citadel role in one process: loads (or on first start creates) the CA, serves Istio's CSR API on the secure
 * port, publishes the trust bundle, renews the port's own certificate at half its life, and re-reads a plugged-in CA
 * directory so that a root rotated there (old and new roots in {@code root-cert.pem}) reaches the bus and the port.
 * A directory that stops being a valid CA is reported and ignored: the role keeps the last good one. The port also
 * serves the trust bundle ({@link TrustBundleService}), so agents follow a root rotation as it happens.
 */
public final class CaRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaRole.class);

    private final CaOptions options;
    private final BusConfig bus;
    private final Clock clock;
    private final List<ServerServiceDefinition> extraServices;
    private final AtomicReference<CertificateAuthority> ca = new AtomicReference<>();
    private final AtomicReference<JoinTokens> tokens = new AtomicReference<>();
    private ServingIdentity serving;
    private MeshTrust trust;
    private SecurePort port;
    private TrustBundlePublisher publisher;
    private CertificateService service;
    private TrustBundleService trustBundle;
    private ScheduledExecutorService timer;
    private final MeterRegistry metrics;
    private DeferredServices later;
    private io.strait.ca.grpc.TransportLimits transportLimits = io.strait.ca.grpc.TransportLimits.defaults();
    private KubernetesTokenAuthenticator kubernetesTokens;
    private RootCertPublisher rootCerts;
    private RootCertPublisher.Timing rootCertTiming = RootCertPublisher.Timing.DEFAULT;

    /**
     * @param bus           where the trust bundle goes; null runs without a bus (tests, {@code token create --ca-dir})
     * @param extraServices more services for the secure port (secure xDS)
     */
    public CaRole(CaOptions options, BusConfig bus, Clock clock, List<ServerServiceDefinition> extraServices) {
        this(options, bus, clock, extraServices, new SimpleMeterRegistry());
    }

    /** @param metrics where the CA's Citadel metrics go (the process's /metrics) */
    public CaRole(CaOptions options, BusConfig bus, Clock clock, List<ServerServiceDefinition> extraServices, MeterRegistry metrics) {
        this.metrics = metrics;
        this.options = options;
        this.bus = bus;
        this.clock = clock;
        this.extraServices = List.copyOf(extraServices);
    }

    /**
     * Loads the CA in {@code options}' directory; creates a root there first when it is the embedded CA's and empty.
     *
     * @throws IllegalArgumentException with what is wrong when the directory holds no usable CA
     */
    public static CaKeys loadKeys(CaOptions options, Clock clock) {
        if (options.pluggedIn()) {
            if (!Files.isDirectory(options.caDir())) {
                throw new IllegalArgumentException("CA directory " + options.caDir().toAbsolutePath() + " does not exist");
            }
            return PluggedCa.load(options.caDir(), clock);
        }
        return SelfSignedRoot.createOrLoad(options.caDir(), options.keyType(), options.trustDomain(), clock);
    }

    /**
     * Services that join the secure port after it started (secure xDS: the front of this process registers there once
     * it has caught up with the bus). Call before {@link #start}.
     */
    public CaRole withLateServices(DeferredServices services) {
        this.later = services;
        return this;
    }

    /**
     * What one connection to the secure port may send and hold; {@link io.strait.ca.grpc.TransportLimits#defaults()},
     * the xDS front's own, unless set. Call before {@link #start}.
     */
    public CaRole withTransportLimits(io.strait.ca.grpc.TransportLimits limits) {
        this.transportLimits = limits;
        return this;
    }

    /** How the root-certificate ConfigMaps are reconciled (tests shorten the resync). Call before {@link #start}. */
    CaRole withRootCertTiming(RootCertPublisher.Timing timing) {
        this.rootCertTiming = timing;
        return this;
    }

    public CaRole start() throws Exception {
        CaKeys keys = loadKeys(options, clock);
        use(keys);
        serving = new ServingIdentity(options.servingDnsNames(), options.servingIps(), options.servingTtl());
        serving.renew(ca.get());
        trust = new MeshTrust(keys.roots());
        List<CallerAuthenticator> chain = new ArrayList<>(List.of(
                new ClientCertificateAuthenticator(() -> ca.get().keys(), options.trustDomain(), clock),
                new JoinTokenAuthenticator(tokens::get, !options.kubernetesTokens().isEmpty())));
        if (!options.kubernetesTokens().isEmpty()) {
            kubernetesTokens = kubernetesTokens(options, clock);
            chain.add(kubernetesTokens);
        }
        service = new CertificateService(ca::get, new Authenticators(chain),
                new CertificateMetrics(metrics, () -> ca.get().keys().root().getNotAfter().toInstant().getEpochSecond()));
        List<ServerServiceDefinition> services = new ArrayList<>(extraServices);
        services.add(0, service.definition());
        trustBundle = new TrustBundleService(keys.roots());
        services.add(1, trustBundle.definition());
        try {
            port = new SecurePort(options.bindHost(), options.securePort(), serving, trust, services, later, transportLimits);
        } catch (java.io.IOException | RuntimeException e) {
            if (kubernetesTokens != null) {
                kubernetesTokens.close(); // its clients' threads would outlive a role that never started
            }
            throw e;
        }
        if (bus != null) {
            publisher = new TrustBundlePublisher(bus, options.trustDomain(), options.replicaId());
            publisher.publish(keys);
        }
        if (options.writesRootConfigMaps()) {
            rootCerts = RootCertPublisher.start(options.kubernetesTokens(), keys.rootsPem(), rootCertTiming);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-ca-timer");
            t.setDaemon(true);
            return t;
        });
        long reloadMs = Math.max(1000, options.reloadInterval().toMillis());
        timer.scheduleWithFixedDelay(this::tick, reloadMs, reloadMs, TimeUnit.MILLISECONDS);
        LOG.info("CA for trust domain {} serving on {}:{} ({}, root {})", options.trustDomain(), options.bindHost(), port.port(),
                options.pluggedIn() ? "plugged-in CA " + options.caDir() : "CA in " + options.caDir(), keys.rootFingerprint());
        return this;
    }

    /** One reviewer per {@code --kubernetes-tokens} cluster; a kubeconfig that cannot be used stops the start with its name. */
    private static KubernetesTokenAuthenticator kubernetesTokens(CaOptions options, Clock clock) {
        List<KubernetesTokenAuthenticator.Cluster> clusters = new ArrayList<>();
        try {
            for (TokenReviewCluster c : options.kubernetesTokens()) {
                clusters.add(new KubernetesTokenAuthenticator.Cluster(c, KubernetesTokenReviewer.open(c, KubernetesTokenReviewer.DEFAULT_TIMEOUT)));
                LOG.info("accepting service-account tokens of cluster {} (audiences {}), reviewed with {}", c.clusterId(), c.audiences(),
                        c.inCluster() ? "the in-cluster config" : c.kubeconfig());
            }
        } catch (RuntimeException e) {
            clusters.forEach(c -> c.reviewer().close());
            throw e;
        }
        return new KubernetesTokenAuthenticator(clusters, options.trustDomain(), new TokenReviewCache(clock));
    }

    private void use(CaKeys keys) {
        ca.set(new CertificateAuthority(keys, IssuancePolicy.ISTIO, clock));
        tokens.set(new JoinTokens(keys, options.trustDomain(), clock));
    }

    /** Periodic work: re-read the CA directory, renew the serving certificate when half its life is gone. */
    void tick() {
        try {
            reload();
            if (!clock.instant().isBefore(serving.renewAt())) {
                serving.renew(ca.get());
                LOG.info("renewed the secure port's certificate until {}", serving.leaf().getNotAfter().toInstant());
            }
        } catch (RuntimeException e) {
            LOG.error("CA housekeeping failed; keeping the current CA: {}", e.getMessage());
        }
    }

    /** Re-reads the CA directory; a changed CA (new key, certificate or roots) replaces the current one. */
    public void reload() {
        CaKeys current = ca.get().keys();
        CaKeys read;
        try {
            read = PluggedCa.load(options.caDir(), clock);
        } catch (IllegalArgumentException e) {
            LOG.error("the CA directory {} no longer holds a usable CA, keeping the one loaded: {}", options.caDir(), e.getMessage());
            return;
        }
        if (read.signingCert().equals(current.signingCert()) && read.roots().equals(current.roots())
                && read.chain().equals(current.chain())) {
            return;
        }
        use(read);
        trust.trust(read.roots());
        trustBundle.update(read.roots());
        serving.renew(ca.get());
        if (rootCerts != null && !read.roots().equals(current.roots())) {
            rootCerts.update(read.rootsPem());
        }
        LOG.info("CA in {} changed: signing {} under root {}, {} trusted root(s)", options.caDir(),
                read.signingCert().getSubjectX500Principal(), read.rootFingerprint(), read.roots().size());
        if (publisher != null) {
            try {
                publisher.publish(read);
            } catch (Exception e) {
                LOG.error("publishing the new trust bundle failed (will retry on the next change): {}", e.getMessage());
            }
        }
    }

    /** A join token for {@code identity}; what {@code strait token create} asks a running node for. */
    public String issueToken(SpiffeId identity, Duration ttl) {
        return tokens.get().issue(identity, ttl);
    }

    public String trustDomain() {
        return options.trustDomain();
    }

    public CaKeys keys() {
        return ca.get().keys();
    }

    public int securePort() {
        return port == null ? -1 : port.port();
    }

    /** The serving certificate's current leaf (tests check its rotation). */
    public Instant servingNotAfter() {
        return serving.leaf().getNotAfter().toInstant();
    }

    public CertificateService service() {
        return service;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (trustBundle != null) {
            trustBundle.close();
        }
        if (port != null) {
            port.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (rootCerts != null) {
            rootCerts.close();
        }
        if (kubernetesTokens != null) {
            kubernetesTokens.close();
        }
    }
}

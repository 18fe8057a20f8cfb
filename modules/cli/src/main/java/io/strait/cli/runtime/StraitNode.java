package io.strait.cli.runtime;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.ca.role.CaRole;
import io.strait.ca.role.CaVerticle;
import io.strait.ingest.IngestVerticle;
import io.strait.translate.runner.TranslateVerticle;
import io.strait.ca.grpc.DeferredServices;
import io.strait.xds.FrontSecurity;
import io.strait.xds.XdsVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Strait process: optionally the embedded broker, the topics, the requested roles as verticles in one Vert.x
 * instance, and the admin server. {@code strait up}, {@code strait run} and the integration tests all start
 * Strait through this class.
 */
public final class StraitNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StraitNode.class);

    private final NodeOptions options;
    /** This process's metrics, served at /metrics on the admin port. */
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private EmbeddedKafka broker;
    private Vertx vertx;
    private BusConfig bus;
    private XdsVerticle xds;
    private String xdsDeployment;
    private AdminServer admin;
    private CaVerticle ca;
    private IngestVerticle ingest;
    /** The CA's secure port, where this node's front serves xDS too (istiod's 15012); null unless both run here. */
    private DeferredServices secureXds;
    private final List<String> deployments = new ArrayList<>();
    /** Sends revision events ({@code --notify-url}, {@code --notify-github-status}); null when none are asked for. */
    private io.strait.cli.notify.Notifier notifier;
    /** {@code --rollout}: staged rollout policies of this node's sources. */
    private List<io.strait.bus.envelope.RolloutPolicy.Spec> rolloutSpecs = List.of();
    private io.strait.cli.rollout.RolloutController rollouts;
    /** {@code --replication-factor} of the topics this node creates; 0: every broker of a cluster up to three. */
    private short replicationFactor;

    /** {@code --admin-bind}: where the admin port listens (loopback unless a pod's probes must reach it). */
    private String adminBind = "127.0.0.1";

    /** The same node with its admin port on {@code address} ({@code --admin-bind}); call before {@link #start}. */
    public StraitNode withAdminBind(String address) {
        this.adminBind = address;
        return this;
    }

    /** {@code --janitor-retention}: the translators' bus janitor; zero (the default here) runs none. */
    private java.time.Duration janitorRetention = java.time.Duration.ZERO;

    /**
     * The same node whose translator runs the bus janitor, when it holds partition 0 of the proxies topic, with this
     * retention ({@code --janitor-retention}; zero: none). Call before {@link #start}.
     */
    public StraitNode withJanitorRetention(java.time.Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("--janitor-retention " + retention + " must not be negative");
        }
        this.janitorRetention = retention;
        return this;
    }

    public StraitNode(NodeOptions options) {
        this.options = options;
    }

    /** The same node with staged rollouts ({@code --rollout}) for its sources; call before {@link #start}. */
    public StraitNode withRollouts(List<io.strait.bus.envelope.RolloutPolicy.Spec> specs) {
        this.rolloutSpecs = List.copyOf(specs);
        return this;
    }

    /**
     * The same node creating missing topics with this replication factor ({@code --replication-factor}); 0 (the
     * default) takes {@link TopicInstaller#defaultReplicationFactor}: one on the embedded broker, three on a cluster
     * of three or more. Call before {@link #start}.
     */
    public StraitNode withReplicationFactor(int factor) {
        if (factor < 0 || factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("--replication-factor " + factor + " must be 1 or more (0: every broker up to 3)");
        }
        this.replicationFactor = (short) factor;
        return this;
    }

    public StraitNode start() throws Exception {
        // revisions this node's ingest decides from now on are announced, the first one included
        long startedAt = System.currentTimeMillis();
        Files.createDirectories(options.dataDir());
        String servers = options.kafka();
        if (servers == null) {
            broker = new EmbeddedKafka(options.dataDir(), options.kafkaPort()).start();
            servers = broker.bootstrapServers();
        }
        bus = new BusConfig(servers, "strait", options.groupSessionTimeoutMs());
        try (Admin kafkaAdmin = Admin.create(bus.admin())) {
            short factor = replicationFactor > 0 ? replicationFactor : TopicInstaller.defaultReplicationFactor(kafkaAdmin);
            TopicInstaller.ensure(kafkaAdmin, TopicDefinition.all(), factor);
        }
        vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(8));
        io.vertx.core.Future<String> caDeployment = null;
        if (options.roles().contains(Role.CA)) {
            // started alongside the other roles rather than before them: its TLS port and key checks take a second
            // or two on a small machine, and nothing else waits for it
            if (options.roles().contains(Role.XDS)) {
                secureXds = new DeferredServices("the xDS front of this node is still catching up with the bus; retry shortly");
            }
            ca = new CaVerticle(options.ca(), bus, metrics, secureXds);
            caDeployment = vertx.deployVerticle(ca);
        }
        if (options.roles().contains(Role.XDS)) {
            startXds();
        }
        if (options.roles().contains(Role.TRANSLATE)) {
            deploy(new TranslateVerticle(bus, janitorRetention, metrics));
        }
        if (options.roles().contains(Role.INGEST)) {
            // the policies reach the bus before the sources publish: no revision of theirs escapes its canary
            List<String> sources = new ArrayList<>();
            if (options.configDir() != null) {
                sources.add(options.sourceName());
            }
            options.gitSources().forEach(g -> sources.add(g.sourceName()));
            options.kubernetesSources().stream().filter(k -> k.config()).forEach(k -> sources.add(k.sourceName()));
            rollouts = io.strait.cli.rollout.RolloutPolicies.controller(bus, rolloutSpecs, sources).start();
            ingest = new IngestVerticle(bus, options.configDir(), options.sourceName(), options.meshConfig(), options.gitSources(),
                    options.dataDir(), options.kubernetesSources());
            deploy(ingest);
        }
        if (caDeployment != null) {
            deployments.add(caDeployment.await(120, TimeUnit.SECONDS));
        }
        if (options.adminPort() >= 0) {
            // the secret exists whenever an endpoint it guards can be served: the CA's tokens, or apply and get
            String secret = AdminSecret.create(options.dataDir());
            IngestVerticle ingesting = ingest;
            admin = new AdminServer(vertx, bus, options.adminPort(), this::connectedProxies, metrics,
                    ca == null ? null : new TokenEndpoint(ca.role(), secret),
                    options.webhookSecret(), fetchTriggers().all(),
                    new ConfigEndpoint(vertx, bus, secret, () -> ingesting == null ? null : ingesting.api()));
            admin.listenOn(adminBind).watchBus(options.roles().contains(Role.XDS), java.time.Duration.ofSeconds(2)).start();
        }
        if (options.notifications().any()) {
            notifier = io.strait.cli.notify.Notifier.of(bus, options.notifications(), startedAt).start();
        }
        return this;
    }

    /** Starts the xDS front role (again, after {@link #stopXds()}). */
    public void startXds() throws Exception {
        // a front's lease is the same "how soon is a dead member noticed" as the translators' group session
        // with the CA here, xDS joins its secure port; a front alone opens its own only when given an identity
        FrontSecurity security = new FrontSecurity(options.plaintextXds(), secureXds, options.ca().securePort(),
                secureXds == null ? options.identityDir() : null, options.secretDir(), options.trustDomains(),
                java.time.Duration.ofSeconds(5));
        xds = new XdsVerticle(bus, options.xdsHost(), options.xdsPort(), options.frontId(), metrics, options.groupSessionTimeoutMs(),
                security);
        xdsDeployment = deploy(xds);
    }

    /** Stops the xDS front role alone, as a front crash or restart would. */
    public void stopXds() throws Exception {
        if (xdsDeployment != null) {
            vertx.undeploy(xdsDeployment).await(30, TimeUnit.SECONDS);
            deployments.remove(xdsDeployment);
            xdsDeployment = null;
            xds = null;
        }
    }

    private String deploy(io.vertx.core.Deployable verticle) throws Exception {
        String id = vertx.deployVerticle(verticle).await(120, TimeUnit.SECONDS);
        deployments.add(id);
        return id;
    }

    /**
     * The fetch triggers of this node's git sources, for a webhook endpoint: {@code fetchTriggers().fetchNow(repoUrl,
     * ref, reason)} starts a fetch of every source following that repository and ref. Empty without the ingest role.
     */
    public io.strait.ingest.source.FetchTriggers fetchTriggers() {
        return ingest == null ? new io.strait.ingest.source.FetchTriggers() : ingest.triggers();
    }

    public BusConfig bus() {
        return bus;
    }

    public String bootstrapServers() {
        return bus.bootstrapServers();
    }

    /**
     * The port serving xDS over mTLS: the CA's secure port when both roles run here, the front's own
     * ({@code --identity-dir}) otherwise; -1 for none.
     */
    public int secureXdsPort() {
        if (secureXds != null) {
            return ca() == null ? -1 : ca().securePort();
        }
        return xds == null || xds.front() == null ? -1 : xds.front().securePort();
    }

    /** The xDS front's plaintext port, or -1 when this node runs no front or the port is off. */
    public int xdsPort() {
        return xds == null || xds.front() == null ? -1 : xds.front().port();
    }

    /** The CA role of this node, or null when it runs none. */
    public CaRole ca() {
        return ca == null ? null : ca.role();
    }

    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public int connectedProxies() {
        return xds == null || xds.front() == null ? 0 : xds.front().connectedProxies();
    }

    @Override
    public void close() {
        if (notifier != null) {
            notifier.close();
        }
        if (rollouts != null) {
            rollouts.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (vertx != null) {
            // undeploy in reverse: ingest stops publishing before translators and fronts go
            for (String id : reversed(deployments)) {
                try {
                    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("stopping deployment {} failed: {}", id, e.toString());
                }
            }
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing Vert.x failed: {}", e.toString());
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}

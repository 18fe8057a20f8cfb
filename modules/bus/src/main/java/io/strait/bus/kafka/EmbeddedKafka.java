package io.strait.bus.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside this JVM: the default bus of
 * {@code strait up} and of the integration tests. Data lives under {@code dataDir}; starting again on the same
 * directory resumes the same cluster with its topics and records.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CLUSTER_ID_FILE = "strait-cluster-id";

    private final Path dataDir;
    private final int port;
    private KafkaRaftServer server;

    /**
     * @param dataDir where the log and metadata live (created if missing)
     * @param port    client port on 127.0.0.1; 0 picks a free one
     */
    public EmbeddedKafka(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? freePort() : port;
    }

    /** Formats the storage on first use, then starts the server and returns when it serves clients. */
    public EmbeddedKafka start() {
        try {
            Path logDir = dataDir.resolve("kafka");
            Files.createDirectories(logDir);
            int controllerPort = freePort();
            while (controllerPort == port) {
                // the broker's port was picked earlier and is not held: the OS may hand it out again (seen in CI)
                controllerPort = freePort();
            }
            Properties props = brokerProperties(logDir, controllerPort);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            formatStorage(logDir, 1, clusterId());
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            LOG.info("embedded Kafka broker listening on {}", bootstrapServers());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data under " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    private Properties brokerProperties(Path logDir, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        // one node: every internal topic has one replica, and few partitions keep start-up fast
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // let translators ask for short sessions, so a dead one loses its scopes in seconds
        p.put("group.min.session.timeout.ms", "1000");
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000");
        return p;
    }

    private String clusterId() throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    /**
     * Formats a KRaft node's log directory (what {@code kafka-storage format} does) for a static controller quorum
     * ({@code controller.quorum.voters}); a directory already formatted is left as it is. Every node of one cluster
     * is formatted with the same cluster id.
     */
    public static void formatStorage(Path logDir, int nodeId, String clusterId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        LOG.debug("format: {}", out.toString(StandardCharsets.UTF_8).trim());
    }

    /**
     * {@code n} distinct free ports of 127.0.0.1, all held open while they are picked: {@link #freePort} called
     * several times in a row may return the same port twice (nothing holds it between calls), and two servers meant
     * for two ports would then collide.
     */
    public static int[] freePorts(int n) {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket();
                held[i].setReuseAddress(true);
                held[i].bind(new InetSocketAddress("127.0.0.1", 0));
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing a socket only bound: nothing to lose
                    }
                }
            }
        }
    }

    /** A port that is free on 127.0.0.1 right now. */
    public static int freePort() {
        return freePorts(1)[0];
    }
}

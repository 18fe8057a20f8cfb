package io.strait.it;

import io.strait.bus.kafka.EmbeddedKafka;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One node of the test cluster ({@link KafkaCluster}) in its own JVM: formats its log directory on first start (the
 * {@code kafka-storage format} step, done as {@link EmbeddedKafka} does it), then runs Kafka's own
 * {@link KafkaRaftServer} — controller and broker in one, as a small production cluster runs them — until the
 * process is stopped. A SIGTERM shuts it down cleanly; a kill -9 is the crash the fault tests are about.
 *
 * <p>Arguments: {@code <server.properties> <cluster id>}.
 */
public final class KafkaClusterNode {
    private KafkaClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaClusterNode <server.properties> <cluster id>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        Files.createDirectories(logDir);
        EmbeddedKafka.formatStorage(logDir, Integer.parseInt(props.getProperty("node.id")), args[1]);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-node-shutdown"));
        server.startup();
        System.out.println("kafka node " + props.getProperty("node.id") + " started: " + props.getProperty("listeners"));
        server.awaitShutdown();
    }
}

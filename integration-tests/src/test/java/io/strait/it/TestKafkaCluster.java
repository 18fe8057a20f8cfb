package io.strait.it;

import io.strait.bus.kafka.BusConfig;
import java.nio.file.Path;

/**
 * The Kafka cluster a broker-fault test runs on, whichever it is: by default {@link KafkaCluster} (each KRaft node a
 * JVM of the test's own classpath), or with {@code -Ptestcontainers} a cluster of {@code apache/kafka} containers
 * ({@code TestcontainersKafkaCluster}, compiled only in that profile). The test body is the same; only
 * {@link #start} chooses. Nodes are numbered 1..{@link #size()}.
 */
interface TestKafkaCluster extends AutoCloseable {
    /** The system property that picks the cluster: {@code process} (the default) or {@code testcontainers}. */
    String KIND = "strait.it.kafka";

    /** Starts a cluster of {@code size} nodes, every broker registered; with Testcontainers and no Docker engine, skips the test. */
    static TestKafkaCluster start(Path dir, int size) throws Exception {
        String kind = System.getProperty(KIND, "process");
        switch (kind) {
            case "process" -> {
                return KafkaCluster.start(dir, size);
            }
            case "testcontainers" -> {
                try {
                    // by name: the class and its dependency exist only in the -Ptestcontainers build
                    Class<?> type = Class.forName("io.strait.it.TestcontainersKafkaCluster");
                    return (TestKafkaCluster) type.getDeclaredMethod("start", Path.class, int.class).invoke(null, dir, size);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(KIND + "=testcontainers needs the -Ptestcontainers profile, which compiles that cluster");
                }
            }
            default -> throw new IllegalArgumentException(KIND + " is " + kind + "; use process or testcontainers");
        }
    }

    /** host:port of every broker, comma-separated, as the roles' {@code --kafka} takes it. */
    String bootstrapServers();

    default BusConfig bus() {
        return new BusConfig(bootstrapServers(), "it-cluster");
    }

    int size();

    /** The node leading a partition now (asked of the cluster itself, whichever kind it is). */
    default int leaderOf(String topic, int partition) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(bus().admin())) {
            return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .get(topic).partitions().get(partition).leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** The node leading the metadata quorum: the active controller. */
    default int activeController() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(bus().admin())) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, java.util.concurrent.TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe the metadata quorum", e);
        }
    }

    /** Kills one node at once (kill -9, or the container's SIGKILL); returns its pid, or -1 where none is known. */
    long kill(int nodeId) throws Exception;

    /** Starts a killed node again on the same ports, with the data it had. */
    void restart(int nodeId) throws Exception;

    boolean isAlive(int nodeId);

    /** Waits until this many brokers are registered and unfenced. */
    void awaitBrokers(int brokers);

    /** Each node's output, last lines, for a failure report. */
    String tails();

    @Override
    void close();
}

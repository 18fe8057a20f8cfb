package io.strait.it;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.strait.bus.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The fault tests' cluster as {@code apache/kafka} containers (KRaft, controller and broker in each) on one Docker
 * network, with the same durability settings as {@link KafkaCluster}: replication factor up to three,
 * {@code min.insync.replicas} one less. Each node advertises to clients on a fixed host port, picked free, so a node
 * killed ({@code docker kill}: SIGKILL) and started again ({@code docker start}: the same container, its data kept)
 * is where the roles' bootstrap list says. Brokers replicate and vote over the network by alias ({@code kafka-N}).
 * Where no Docker engine answers, {@link #start} skips the calling test (a JUnit assumption: reported skipped).
 *
 * <p>The image is {@code strait.it.kafka.image} (the profile sets {@code apache/kafka:<the build's Kafka version>}).
 */
final class TestcontainersKafkaCluster implements TestKafkaCluster {
    private static final int CLIENT = 9092;
    private static final int BROKER = 9093;
    private static final int CONTROLLER = 9094;

    private final Network network = Network.newNetwork();
    private final int size;
    private final int[] hostPorts;
    private final Map<Integer, GenericContainer<?>> nodes = new TreeMap<>();
    private final Map<Integer, Boolean> alive = new TreeMap<>();

    private TestcontainersKafkaCluster(int size) {
        this.size = size;
        this.hostPorts = IntStream.range(0, size).map(i -> EmbeddedKafka.freePort()).toArray();
    }

    /** Starts {@code size} containers at once (a KRaft quorum needs its majority up to start); skips without Docker. */
    static TestKafkaCluster start(Path dir, int size) {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine answers here: the Testcontainers cluster cannot start (the default build runs these tests on broker JVMs)");
        TestcontainersKafkaCluster cluster = new TestcontainersKafkaCluster(size);
        try {
            String clusterId = Uuid.randomUuid().toString();
            String image = System.getProperty("strait.it.kafka.image", "apache/kafka:latest");
            for (int id = 1; id <= size; id++) {
                cluster.nodes.put(id, cluster.container(DockerImageName.parse(image), id, clusterId));
                cluster.alive.put(id, true);
            }
            Startables.deepStart(cluster.nodes.values()).get(180, TimeUnit.SECONDS);
            cluster.awaitBrokers(size);
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw new IllegalStateException("the Testcontainers Kafka cluster did not start: " + e.getMessage(), e);
        }
    }

    private GenericContainer<?> container(DockerImageName image, int id, String clusterId) {
        String voters = IntStream.rangeClosed(1, size).mapToObj(n -> n + "@kafka-" + n + ":" + CONTROLLER).collect(Collectors.joining(","));
        String replicas = String.valueOf(Math.min(3, size));
        String minIsr = String.valueOf(Math.max(1, Math.min(3, size) - 1));
        int hostPort = hostPorts[id - 1];
        String host = DockerClientFactory.instance().dockerHostIpAddress();
        GenericContainer<?> c = new GenericContainer<>(image)
                .withNetwork(network).withNetworkAliases("kafka-" + id)
                .withEnv("CLUSTER_ID", clusterId)
                .withEnv("KAFKA_NODE_ID", String.valueOf(id))
                .withEnv("KAFKA_PROCESS_ROLES", "broker,controller")
                .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                .withEnv("KAFKA_LISTENERS", "CLIENT://0.0.0.0:" + CLIENT + ",BROKER://0.0.0.0:" + BROKER + ",CONTROLLER://0.0.0.0:" + CONTROLLER)
                .withEnv("KAFKA_ADVERTISED_LISTENERS", "CLIENT://" + host + ":" + hostPort + ",BROKER://kafka-" + id + ":" + BROKER)
                .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CLIENT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
                .withEnv("KAFKA_INTER_BROKER_LISTENER_NAME", "BROKER")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", replicas)
                .withEnv("KAFKA_MIN_INSYNC_REPLICAS", minIsr)
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", replicas)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", replicas)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", minIsr)
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", replicas)
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", minIsr)
                .withEnv("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "1000")
                .withEnv("KAFKA_BROKER_SESSION_TIMEOUT_MS", String.valueOf(KafkaCluster.BROKER_SESSION_TIMEOUT_MS))
                .withEnv("KAFKA_BROKER_HEARTBEAT_INTERVAL_MS", "1000")
                .withEnv("KAFKA_HEAP_OPTS", "-Xmx320m")
                .withExposedPorts(CLIENT)
                // the same host port for the container's whole life: a restarted node is where the bootstrap list says
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(CLIENT))))
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofSeconds(180)));
        return c;
    }

    @Override
    public String bootstrapServers() {
        String host = DockerClientFactory.instance().dockerHostIpAddress();
        List<String> servers = new ArrayList<>();
        for (int port : hostPorts) {
            servers.add(host + ":" + port);
        }
        return String.join(",", servers);
    }

    @Override
    public int size() {
        return size;
    }

    /** {@code docker kill} (SIGKILL) of the node's container; the container and its data stay. No host pid: -1. */
    @Override
    public long kill(int nodeId) {
        DockerClientFactory.instance().client().killContainerCmd(nodes.get(nodeId).getContainerId()).exec();
        alive.put(nodeId, false);
        return -1;
    }

    /** {@code docker start} of the killed container: the same ports, network alias and log directory. */
    @Override
    public void restart(int nodeId) {
        DockerClientFactory.instance().client().startContainerCmd(nodes.get(nodeId).getContainerId()).exec();
        alive.put(nodeId, true);
    }

    @Override
    public boolean isAlive(int nodeId) {
        Boolean running = DockerClientFactory.instance().client().inspectContainerCmd(nodes.get(nodeId).getContainerId()).exec()
                .getState().getRunning();
        return Boolean.TRUE.equals(running) && alive.get(nodeId);
    }

    @Override
    public void awaitBrokers(int brokers) {
        try (Admin admin = Admin.create(bus().admin())) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == brokers);
        }
    }

    @Override
    public String tails() {
        StringBuilder out = new StringBuilder();
        nodes.forEach((id, c) -> {
            out.append("---- kafka container ").append(id).append(" ----\n");
            try {
                List<String> lines = c.getLogs().lines().toList();
                lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (RuntimeException e) {
                out.append("(no logs: ").append(e.getMessage()).append(")\n");
            }
        });
        return out.toString();
    }

    @Override
    public void close() {
        nodes.values().forEach(c -> {
            try {
                c.stop();
            } catch (RuntimeException ignored) {
                // already gone; Testcontainers' reaper removes what is left
            }
        });
        network.close();
    }
}

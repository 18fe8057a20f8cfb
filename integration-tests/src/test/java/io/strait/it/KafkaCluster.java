package io.strait.it;

import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka cluster for the fault tests: {@code size} KRaft nodes (controller and broker in each), every one its
 * own JVM started from the test classpath ({@link KafkaClusterNode}), on free loopback ports, with the durability
 * settings a production cluster of three uses — replication factor 3 and {@code min.insync.replicas} 2 for the
 * internal topics (consumer offsets, transaction state) and as defaults. A node is killed by its own process (kill
 * -9: no shutdown hook, no clean leadership hand-over) and can be started again on the same ports and log directory,
 * as a restarted broker of a real cluster comes back with its data. A cluster of fewer than three nodes replicates as
 * much as it can (every node; {@code min.insync.replicas} one less, at least one).
 */
final class KafkaCluster implements TestKafkaCluster {
    /**
     * How soon the controller fences a broker that stopped heartbeating (Kafka's default is 9 s): what a killed
     * leader costs before its partitions move. Shorter than the default to keep the tests short; see BENCHMARKS.md.
     */
    static final int BROKER_SESSION_TIMEOUT_MS = 6000;

    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final Map<Integer, Process> nodes = new TreeMap<>();
    private final String clusterId = Uuid.randomUuid().toString();

    private KafkaCluster(Path dir, int size) {
        this.dir = dir;
        this.size = size;
        this.clientPorts = new int[size];
        this.controllerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = EmbeddedKafka.freePort();
            controllerPorts[i] = EmbeddedKafka.freePort();
        }
    }

    /** Starts every node and returns once the cluster answers with all its brokers registered. */
    static KafkaCluster start(Path dir, int size) throws IOException {
        KafkaCluster cluster = new KafkaCluster(dir, size);
        try {
            for (int id = 1; id <= size; id++) {
                cluster.startNode(id);
            }
            cluster.awaitBrokers(size);
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int port : clientPorts) {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    @Override
    public int size() {
        return size;
    }

    /** Kill -9 of one node's JVM, by its own process; returns its pid. */
    @Override
    public long kill(int nodeId) throws InterruptedException {
        Process p = nodes.get(nodeId);
        long pid = p.pid();
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("kafka node " + nodeId + " (pid " + pid + ") did not die");
        }
        return pid;
    }

    /** A new JVM for a killed node: the same id, ports and log directory (formatting skips a formatted one). */
    @Override
    public void restart(int nodeId) throws IOException {
        if (nodes.get(nodeId).isAlive()) {
            throw new IllegalStateException("kafka node " + nodeId + " is still running; kill it first");
        }
        startNode(nodeId);
    }

    @Override
    public boolean isAlive(int nodeId) {
        return nodes.get(nodeId).isAlive();
    }

    @Override
    public void awaitBrokers(int brokers) {
        try (Admin admin = Admin.create(bus().admin())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == brokers);
        }
    }

    private void startNode(int id) throws IOException {
        Path nodeDir = dir.resolve("node-" + id);
        Files.createDirectories(nodeDir);
        Path props = nodeDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(props)) {
            properties(id, nodeDir.resolve("log")).store(out, "kafka node " + id + " of the fault-test cluster");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // a small JVM: a test machine of two cores runs three of them next to Strait's roles
        List<String> command = List.of(java, "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-cp", classpath, KafkaClusterNode.class.getName(), props.toString(), clusterId);
        Process p = new ProcessBuilder(command).directory(nodeDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("node.out").toFile())).start();
        nodes.put(id, p);
    }

    private Properties properties(int id, Path logDir) {
        Properties p = new Properties();
        String voters = java.util.stream.IntStream.rangeClosed(1, size)
                .mapToObj(n -> n + "@127.0.0.1:" + controllerPorts[n - 1]).collect(Collectors.joining(","));
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(id));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[id - 1] + ",CONTROLLER://127.0.0.1:" + controllerPorts[id - 1]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[id - 1]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        // durability as on a production cluster of three: any one node may be lost
        String replicas = String.valueOf(Math.min(3, size));
        String minIsr = String.valueOf(Math.max(1, Math.min(3, size) - 1));
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("unclean.leader.election.enable", "false");
        // few partitions and threads: start-up and CPU stay small
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("log.cleaner.threads", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        p.put("broker.session.timeout.ms", String.valueOf(BROKER_SESSION_TIMEOUT_MS));
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000");
        return p;
    }

    @Override
    public String tails() {
        StringBuilder out = new StringBuilder();
        for (int id : nodes.keySet()) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("node-" + id).resolve("node.out"));
                out.append("---- kafka node ").append(id).append(" ----\n");
                lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append("(no output of node ").append(id).append(")\n");
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        nodes.values().forEach(Process::destroy);
        for (Process p : nodes.values()) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}

package io.strait.cli.demo;

import io.strait.agent.role.AgentOptions;
import io.strait.agent.role.WorkloadAgent;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.role.CaRole;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's {@code strait agent}s, one per workload, in this process: each joins with a token from the node's own
 * CA, keeps its certificate in {@code <dir>/<pod>} and serves its workload's xDS through its local proxy to the
 * secure port. Once a second it looks at what each agent holds and prints a line when a certificate was rotated,
 * so a user of the demo sees renewal happen (with a short {@code --cert-ttl}).
 */
public final class MeshAgents implements AutoCloseable {
    /** How long the demo's join tokens are good for: only the first certificate uses them. */
    private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final CaRole ca;
    private final String secureAddress;
    private final Path dir;
    private final Duration certTtl;
    private final PrintStream out;
    private final Map<String, WorkloadAgent> agents = new LinkedHashMap<>();
    private final Map<String, BigInteger> serials = new LinkedHashMap<>();
    private final List<String> rotations = new ArrayList<>();
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-demo-rotations");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param ca            the node's CA: it issues the join tokens
     * @param secureAddress where the agents reach the CA and xDS ({@code host:port} of the secure port)
     * @param dir           the agents' directories go under it, one per pod
     * @param certTtl       the lifetime the agents ask for (renewed at half of it)
     * @param out           where identities and rotations are printed
     */
    public MeshAgents(CaRole ca, String secureAddress, Path dir, Duration certTtl, PrintStream out) {
        this.ca = ca;
        this.secureAddress = secureAddress;
        this.dir = dir;
        this.certTtl = certTtl;
        this.out = out;
        watch.scheduleAtFixedRate(this::printRotations, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts the agent of one workload and prints the identity its certificate names. */
    public synchronized WorkloadAgent start(String pod, String namespace, String serviceAccount, Map<String, String> labels)
            throws IOException {
        String token = ca.issueToken(new SpiffeId(ca.trustDomain(), namespace, serviceAccount), TOKEN_TTL);
        WorkloadAgent agent = WorkloadAgent.start(AgentOptions.of(secureAddress, token, pod, namespace, serviceAccount,
                dir.resolve(pod)).withLabels(labels).withCertTtl(certTtl));
        agents.put(pod, agent);
        serials.put(pod, agent.credentials().serial());
        out.printf("  agent      %-11s %s, certificate %s until %s, files in %s%n", pod, identity(namespace, serviceAccount),
                shortSerial(agent.credentials().serial()), CLOCK.format(agent.credentials().notAfter()), agent.files().dir());
        return agent;
    }

    private String identity(String namespace, String serviceAccount) {
        return "spiffe://" + ca.trustDomain() + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    /** The rotations seen so far, as printed ({@code <pod> <old serial> → <new serial>}). */
    public synchronized List<String> rotations() {
        return List.copyOf(rotations);
    }

    private synchronized void printRotations() {
        agents.forEach((pod, agent) -> {
            BigInteger now = agent.credentials().serial();
            BigInteger was = serials.put(pod, now);
            if (was != null && !was.equals(now)) {
                String rotation = pod + " " + shortSerial(was) + " → " + shortSerial(now);
                rotations.add(rotation);
                out.printf("rotated  %s, valid until %s%n", rotation, CLOCK.format(agent.credentials().notAfter()));
            }
        });
    }

    private static String shortSerial(BigInteger serial) {
        String hex = serial.toString(16);
        return hex.length() > 8 ? hex.substring(0, 8) + "…" : hex;
    }

    @Override
    public synchronized void close() {
        watch.shutdownNow();
        agents.values().forEach(WorkloadAgent::close);
        agents.clear();
    }
}

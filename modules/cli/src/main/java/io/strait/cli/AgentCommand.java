package io.strait.cli;

import io.strait.agent.role.AgentOptions;
import io.strait.agent.role.WorkloadAgent;
import io.strait.agent.rotation.RotationSchedule;
import io.strait.ca.keys.KeyType;
import io.strait.cli.runtime.TokenEndpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strait agent}: the istio-agent role for one workload ({@link WorkloadAgent}). Runs until SIGTERM or Ctrl-C;
 * a token or CA problem at start is one line on stderr and exit code 2, before anything is written.
 */
@Command(name = "agent", description = "Run the workload agent: certificate from the mesh CA kept current in files and over SDS, "
        + "a gRPC bootstrap and a local xDS proxy.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--secure-address", defaultValue = AgentOptions.DEFAULT_SECURE_ADDRESS, description = "The control plane's secure port (default: ${DEFAULT-VALUE}).")
    String address;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    CertCommand.TokenSource token;

    @Option(names = "--kubernetes-token-file", paramLabel = "FILE", description = "A Kubernetes service-account token to use "
            + "instead of a join token, reviewed by the CA with the API server of --cluster-id (Istio's projected token: "
            + "/var/run/secrets/tokens/istio-token, audience istio-ca); read again at every use. Needs --ca-root-file.")
    Path kubernetesTokenFile;

    @Option(names = "--ca-root-file", paramLabel = "FILE", description = "The mesh's root certificate(s) to trust the CA by (Istio "
            + "mounts the istio-ca-root-cert ConfigMap as /var/run/secrets/istio/root-cert.pem); required with "
            + "--kubernetes-token-file, and with a join token it replaces the token's root pin.")
    Path caRootFile;

    @Option(names = "--name", required = true, description = "The workload (pod) name.")
    String name;

    @Option(names = {"-n", "--namespace"}, required = true, description = "The workload's namespace (the token's).")
    String namespace;

    @Option(names = {"--service-account", "--sa"}, required = true, description = "The workload's service account (the token's).")
    String serviceAccount;

    @Option(names = {"-l", "--label"}, description = "Workload label key=value (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--ip", defaultValue = "127.0.0.1", description = "The workload's IP, in its node id (default: ${DEFAULT-VALUE}).")
    String ip;

    @Option(names = "--cluster-id", defaultValue = "Kubernetes", description = "Istio's CLUSTER_ID, sent to the CA as clusterid: "
            + "it picks the API server that reviews --kubernetes-token-file (default: ${DEFAULT-VALUE}).")
    String clusterId;

    @Option(names = "--cert-ttl", defaultValue = "24h", description = "Certificate lifetime to ask for; renewed at half of it (default: ${DEFAULT-VALUE}).")
    String certTtl;

    @Option(names = "--key-type", defaultValue = "ECDSA", description = "Workload key: ECDSA (P-256) or RSA (2048) (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--out", required = true, description = "Directory for key.pem, cert-chain.pem, root-cert.pem, grpc-bootstrap.json and the XDS socket.")
    Path out;

    @Option(names = "--sds-socket", description = "Where to serve SDS for Envoy (default: <out>/workload-spiffe-uds/socket).")
    Path sdsSocket;

    @Option(names = "--xds-direct", description = "Bootstrap straight to --secure-address with gRFC A65 tls channel_creds (grpc-go); "
            + "no local xDS proxy. grpc-java ignores that config: leave this off for Java clients.")
    boolean xdsDirect;

    @Override
    public Integer call() throws Exception {
        Duration ttl = TokenEndpoint.parseTtl(certTtl);
        if ((token == null) == (kubernetesTokenFile == null)) {
            throw new IllegalArgumentException("give the first credential: a join token (--token or --token-file) or a Kubernetes "
                    + "service-account token (--kubernetes-token-file with --ca-root-file), one of them");
        }
        AgentOptions options = new AgentOptions(address, token == null ? null : token.read(), name, namespace, serviceAccount, labels, ip,
                clusterId, ttl, KeyType.parse(keyType), out, sdsSocket, xdsDirect, null, Duration.ofSeconds(5), RotationSchedule.ISTIO,
                Clock.systemUTC(), kubernetesTokenFile, caRootFile);
        WorkloadAgent agent = WorkloadAgent.start(options);
        Thread hook = new Thread(agent::close, "strait-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("strait agent: " + namespace + "/" + serviceAccount + " certificate until " + agent.credentials().notAfter()
                + "; files and " + AgentOptions.BOOTSTRAP + " in " + options.out() + ", SDS on " + options.sdsSocket()
                + (xdsDirect ? "" : ", xDS proxy on unix://" + options.xdsSocket()));
        agent.awaitClosed();
        return 0;
    }
}

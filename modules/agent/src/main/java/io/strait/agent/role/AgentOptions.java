package io.strait.agent.role;

import io.strait.agent.proxy.XdsUpstream;
import io.strait.agent.rotation.RotationSchedule;
import io.strait.ca.keys.KeyType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * How one {@link WorkloadAgent} runs: {@code strait agent}'s flags.
 *
 * @param secureAddress  the CA's (and, with {@code xdsDirect}, the control plane's) secure port, {@code HOST:PORT}
 * @param token          the join token for the first certificate; null with {@code kubernetesTokenFile}
 * @param pod            the workload's name (the node id's pod)
 * @param namespace      the workload's namespace; must be the token's
 * @param serviceAccount the workload's service account; must be the token's
 * @param labels         workload labels, for the bootstrap's node metadata
 * @param ip             the workload's IP, in the node id
 * @param clusterId      Istio's CLUSTER_ID
 * @param certTtl        the certificate lifetime asked for
 * @param keyType        the workload key's type
 * @param out            where key.pem, cert-chain.pem, root-cert.pem, grpc-bootstrap.json and the XDS socket go
 * @param sdsSocket      where SDS listens; null for {@code out/workload-spiffe-uds/socket}
 * @param xdsDirect      the bootstrap names the secure port with gRFC A65 TLS credentials, and no proxy runs
 * @param xdsUpstream    how the xDS proxy reaches the control plane; null for mutual TLS to {@code secureAddress}
 * @param fileRefresh    the bootstrap's {@code file_watcher} refresh interval
 * @param schedule       when to renew and retry
 * @param clock          the agent's clock
 * @param kubernetesTokenFile a Kubernetes service-account token file to use instead of a join token (Istio's
 *                       {@code /var/run/secrets/tokens/istio-token}); null for none
 * @param caRootFile     the CA's roots, to trust it by (required with {@code kubernetesTokenFile}; with a join token it
 *                       replaces the token's root pin); null for none
 */
public record AgentOptions(String secureAddress, String token, String pod, String namespace, String serviceAccount,
                           Map<String, String> labels, String ip, String clusterId, Duration certTtl, KeyType keyType, Path out,
                           Path sdsSocket, boolean xdsDirect, XdsUpstream xdsUpstream, Duration fileRefresh,
                           RotationSchedule schedule, Clock clock, Path kubernetesTokenFile, Path caRootFile) {
    public static final String DEFAULT_SECURE_ADDRESS = "127.0.0.1:15012";
    public static final Duration DEFAULT_CERT_TTL = Duration.ofHours(24);
    /** Istio's SDS socket, under the output directory. */
    public static final String SDS_SOCKET = "workload-spiffe-uds/socket";
    /** Istio's xDS proxy socket name. */
    public static final String XDS_SOCKET = "XDS";
    public static final String BOOTSTRAP = "grpc-bootstrap.json";

    public AgentOptions {
        labels = Map.copyOf(labels);
        out = out.toAbsolutePath();
        sdsSocket = sdsSocket == null ? out.resolve(SDS_SOCKET) : sdsSocket.toAbsolutePath();
        xdsUpstream = xdsUpstream == null ? XdsUpstream.mutualTls(secureAddress) : xdsUpstream;
    }

    /** Options with a join token and no root file. */
    public AgentOptions(String secureAddress, String token, String pod, String namespace, String serviceAccount,
                        Map<String, String> labels, String ip, String clusterId, Duration certTtl, KeyType keyType, Path out,
                        Path sdsSocket, boolean xdsDirect, XdsUpstream xdsUpstream, Duration fileRefresh,
                        RotationSchedule schedule, Clock clock) {
        this(secureAddress, token, pod, namespace, serviceAccount, labels, ip, clusterId, certTtl, keyType, out, sdsSocket, xdsDirect,
                xdsUpstream, fileRefresh, schedule, clock, null, null);
    }

    /** The defaults: 127.0.0.1, cluster Kubernetes, 24h ECDSA certificates, Istio's schedule, the system clock. */
    public static AgentOptions of(String secureAddress, String token, String pod, String namespace, String serviceAccount, Path out) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, Map.of(), "127.0.0.1", "Kubernetes",
                DEFAULT_CERT_TTL, KeyType.ECDSA, out, null, false, null, Duration.ofSeconds(5), RotationSchedule.ISTIO, Clock.systemUTC());
    }

    public AgentOptions withCertTtl(Duration ttl) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, labels, ip, clusterId, ttl, keyType, out,
                sdsSocket, xdsDirect, xdsUpstream, fileRefresh, schedule, clock, kubernetesTokenFile, caRootFile);
    }

    public AgentOptions withLabels(Map<String, String> newLabels) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, newLabels, ip, clusterId, certTtl, keyType, out,
                sdsSocket, xdsDirect, xdsUpstream, fileRefresh, schedule, clock, kubernetesTokenFile, caRootFile);
    }

    public AgentOptions withXdsUpstream(XdsUpstream upstream) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, labels, ip, clusterId, certTtl, keyType, out,
                sdsSocket, xdsDirect, upstream, fileRefresh, schedule, clock, kubernetesTokenFile, caRootFile);
    }

    public AgentOptions withXdsDirect(boolean direct) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, labels, ip, clusterId, certTtl, keyType, out,
                sdsSocket, direct, xdsUpstream, fileRefresh, schedule, clock, kubernetesTokenFile, caRootFile);
    }

    /**
     * The first certificate (and one after an expired certificate) bought with the Kubernetes service-account token
     * in {@code tokenFile} instead of a join token, trusting the CA under the roots in {@code rootFile}.
     */
    public AgentOptions withKubernetesToken(Path tokenFile, Path rootFile) {
        return new AgentOptions(secureAddress, null, pod, namespace, serviceAccount, labels, ip, clusterId, certTtl, keyType, out,
                sdsSocket, xdsDirect, xdsUpstream, fileRefresh, schedule, clock, tokenFile, rootFile);
    }

    /** The agent's clock replaced (tests move time). */
    public AgentOptions withClock(Clock newClock) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, labels, ip, clusterId, certTtl, keyType, out,
                sdsSocket, xdsDirect, xdsUpstream, fileRefresh, schedule, newClock, kubernetesTokenFile, caRootFile);
    }

    /** The workload's cluster replaced (Istio's CLUSTER_ID, sent to the CA as {@code clusterid}). */
    public AgentOptions withClusterId(String id) {
        return new AgentOptions(secureAddress, token, pod, namespace, serviceAccount, labels, ip, id, certTtl, keyType, out,
                sdsSocket, xdsDirect, xdsUpstream, fileRefresh, schedule, clock, kubernetesTokenFile, caRootFile);
    }

    public Path xdsSocket() {
        return out.resolve(XDS_SOCKET);
    }

    public Path bootstrapFile() {
        return out.resolve(BOOTSTRAP);
    }
}

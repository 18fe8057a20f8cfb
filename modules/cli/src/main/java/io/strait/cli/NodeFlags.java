package io.strait.cli;

import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.ca.keys.KeyType;
import io.strait.ca.role.CaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The flags shared by {@code up}, {@code demo} and {@code run}. */
final class NodeFlags {
    @Option(names = "--config", paramLabel = "FOLDER|URL", description = "A config source, repeatable: a folder to watch, or a git "
            + "repository (https://, http://, ssh://, file://) read with the --git-* flags, one commit = one revision "
            + "(default: the folder config-sources).")
    List<String> configs = new ArrayList<>();

    @Option(names = "--kubernetes", paramLabel = "kubeconfig=PATH,cluster=ID[,network=NET][,config=true][,domain=D]",
            description = "A Kubernetes cluster, repeatable: its Services, EndpointSlices, Pods, Nodes and Namespaces are published "
            + "as the cluster's registry on strait.endpoints.v1; config=true also reads its Istio objects as config source "
            + "kubernetes:ID. kubeconfig=in-cluster (or none, in a pod) uses the pod's service account.")
    List<String> kubernetes = new ArrayList<>();

    /** The clusters of {@code --kubernetes}, each kubeconfig read now so a bad one is a clear message at start. */
    List<io.strait.ingest.kubernetes.KubernetesClusterOptions> kubernetesSources() {
        var clusters = io.strait.ingest.kubernetes.KubernetesClusterOptions.parseAll(kubernetes,
                io.strait.ingest.kubernetes.KubernetesClusterOptions.runningInPod(System.getenv()));
        clusters.forEach(io.strait.ingest.kubernetes.ClusterClients::config);
        return clusters;
    }

    /** The folder source among {@code --config}s (or set by demo); null when every source is a git repository. */
    Path config = Path.of("config-sources");

    @Option(names = "--git-branch", defaultValue = "main", description = "Branch, tag (refs/tags/X) or full commit SHA of every git "
            + "--config (default: ${DEFAULT-VALUE}).")
    String gitBranch;

    @Option(names = "--git-path", defaultValue = "", description = "Folder of the git repository that holds the config (a monorepo's "
            + "subfolder; default: the root). Its mesh.yaml is the MeshConfig.")
    String gitPath;

    @Option(names = "--git-poll", defaultValue = "60s", description = "How often the remote is asked for its head (default: ${DEFAULT-VALUE}).")
    String gitPoll;

    @Option(names = "--git-depth", defaultValue = "0", description = "Shallow fetches of this depth (1: the head only); 0 fetches the "
            + "whole history (default: ${DEFAULT-VALUE}).")
    int gitDepth;

    @Option(names = "--git-user", description = "HTTP(S) user name sent with --git-token-file (default: x-access-token).")
    String gitUser;

    @Option(names = "--git-token-file", paramLabel = "FILE", description = "File holding the HTTP(S) token or password (re-read on "
            + "every fetch; never logged).")
    Path gitTokenFile;

    @Option(names = "--git-ssh-key", paramLabel = "FILE", description = "SSH private key for ssh:// repositories.")
    Path gitSshKey;

    @Option(names = "--git-known-hosts", paramLabel = "FILE", description = "known_hosts file SSH servers are checked against "
            + "(required for ssh://; unknown or changed host keys are refused).")
    Path gitKnownHosts;

    @Option(names = "--git-verify-keyring", paramLabel = "FILE", description = "OpenPGP public keys (armored or binary): a head "
            + "commit not signed by one of them is rejected and the last good commit stays live.")
    Path gitVerifyKeyring;

    @Option(names = "--git-max-file-size", defaultValue = "10", paramLabel = "MIB", description = "Largest config file of a commit, "
            + "in MiB (default: ${DEFAULT-VALUE}).")
    long gitMaxFileMib;

    @Option(names = "--git-max-files", defaultValue = "10000", description = "Most config files in a commit (default: ${DEFAULT-VALUE}).")
    int gitMaxFiles;

    @Option(names = "--git-max-total-size", defaultValue = "64", paramLabel = "MIB", description = "Most bytes of config files in a "
            + "commit, in MiB (default: ${DEFAULT-VALUE}).")
    long gitMaxTotalMib;

    @Option(names = "--xds-port", defaultValue = "15010", description = "xDS (ADS) port (default: ${DEFAULT-VALUE}).")
    int xdsPort;

    @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port: /healthz /readyz /status (default: ${DEFAULT-VALUE}; -1: none).")
    int adminPort;

    @Option(names = "--admin-bind", defaultValue = "127.0.0.1", description = "Address the admin port listens on (default: "
            + "${DEFAULT-VALUE}); 0.0.0.0 in a pod, for probes and scrapes. Callers off loopback get only /healthz, /readyz, "
            + "/metrics and /webhooks/git.")
    String adminBind;

    @Option(names = "--log-file", description = "Where the full log goes (default: <data-dir>/strait.log, while the console "
            + "shows only events and errors); '-' writes the full log to stdout instead, for a container whose runtime "
            + "collects and rotates it (kubectl logs).")
    String logFile;

    @Option(names = "--data-dir", defaultValue = ".strait", description = "Embedded broker data and the log file (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka", description = "Use this Kafka cluster (host:port) instead of the embedded broker.")
    String kafka;

    @Option(names = "--replication-factor", defaultValue = "0", paramLabel = "N", description = "Replication factor of the "
            + "topics this process creates when they are missing (existing topics are left as they are); min.insync.replicas "
            + "becomes 2, or N when N is 1. Default 0: every broker of the cluster up to 3 (1 on the embedded broker).")
    int replicationFactor;

    @Option(names = "--janitor-retention", defaultValue = "10m", paramLabel = "DURATION", description = "The translators' bus "
            + "janitor tombstones every xDS resource, bundle and assignment no live manifest has named for this long, so compaction "
            + "removes them and a starting front reads the live config, not the bus's history; one translator (the holder of "
            + "the proxies topic's partition 0) runs it; 0 turns it off (default: ${DEFAULT-VALUE}).")
    String janitorRetention;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Port of the embedded broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address the xDS front listens on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--front-id", description = "Id of this process's xDS front (default: front-<xds port>).")
    String frontId;

    @Option(names = "--group-session-timeout", defaultValue = "6s", description = "How soon translators notice that one of "
            + "them died and take over its scopes, and how long an xDS front's lease holds (the proxies of a crashed "
            + "front that never reconnect stop being counted after it); below 6s the cluster's group.min.session.timeout.ms must allow it "
            + "(the embedded broker allows 1s) (default: ${DEFAULT-VALUE}).")
    String groupSessionTimeout;

    @Option(names = "--mesh-config", paramLabel = "FILE", description = "A MeshConfig (Istio's mesh config: YAML, no kind) "
            + "to read instead of the config folder's mesh.yaml; validated and versioned with the folder's config.")
    Path meshConfig;

    @Option(names = "--secure-port", defaultValue = "15012", description = "Secure port (TLS): Istio's CSR API, like istiod's 15012 (default: ${DEFAULT-VALUE}; 0 picks one).")
    int securePort;

    @Option(names = "--ca-dir", description = "Use the plugged-in CA in this directory (Istio's cacerts layout: ca-cert.pem, ca-key.pem, "
            + "cert-chain.pem, root-cert.pem; or tls.crt, tls.key, ca.crt) instead of the root kept in <data-dir>/ca/.")
    Path caDir;

    @Option(names = "--ca-key-type", defaultValue = "ECDSA", description = "Key type of a root created on first start: ECDSA (P-256) or RSA (2048) (default: ${DEFAULT-VALUE}).")
    String caKeyType;

    @Option(names = "--trust-domain", description = "SPIFFE trust domain of workload identities (default: the MeshConfig's "
            + "trustDomain, else " + CaOptions.DEFAULT_TRUST_DOMAIN + "; must agree with the MeshConfig's when both are set).")
    String trustDomain;

    @Option(names = "--secure-san", split = ",", description = "More host names or IPs for the secure port's certificate, besides "
            + "istiod.istio-system.svc, localhost, 127.0.0.1 and the --bind address.")
    List<String> secureSans = new ArrayList<>();

    @Option(names = "--plaintext-xds", arity = "1", defaultValue = "true", description = "Serve xDS without TLS on --xds-port, for "
            + "the embedded demo; false leaves only the secure port, which requires a mesh certificate (default: ${DEFAULT-VALUE}).")
    boolean plaintextXds;

    @Option(names = "--identity-dir", paramLabel = "DIR", description = "An xDS front running without the CA (run xds): serve xDS over "
            + "mTLS on --secure-port with the identity in DIR (cert-chain.pem, key.pem, root-cert.pem, as strait agent or strait cert "
            + "request keep them; re-read when they change). With the CA in the process xDS is served on its secure port instead.")
    Path identityDir;

    @Option(names = "--secret-dir", paramLabel = "DIR", description = "credentialName secrets the xDS front serves over SDS: "
            + "DIR/<namespace>/<name>/{tls.crt,tls.key,ca.crt}, re-read every 5 s, served on the secure port to proxies of that "
            + "namespace only.")
    Path secretDir;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE", description = "Serve POST /webhooks/git on the admin port: "
            + "GitHub (X-Hub-Signature-256), GitLab (X-Gitlab-Token) or X-Strait-Signature pushes signed with the secret in FILE "
            + "make the git sources watching the pushed branch fetch at once.")
    Path webhookSecretFile;

    @Option(names = "--notify-url", paramLabel = "URL", description = "POST a JSON event, signed X-Strait-Signature: sha256=<hmac>, "
            + "to URL when a revision is accepted, rejected, applied by every proxy, or NACKed (repeatable; needs --notify-secret-file).")
    List<java.net.URI> notifyUrls = new ArrayList<>();

    @Option(names = "--notify-secret-file", paramLabel = "FILE", description = "The HMAC key that signs --notify-url events.")
    Path notifySecretFile;

    @Option(names = "--notify-github-status", description = "Set a GitHub commit status (context strait/rollout) on the commits "
            + "of github.com git sources: pending when accepted, success when applied everywhere, failure when rejected or NACKed.")
    boolean notifyGithubStatus;

    @Option(names = "--github-token-file", paramLabel = "FILE", description = "The GitHub token (repo:status) for --notify-github-status.")
    Path githubTokenFile;

    @Option(names = "--github-api-url", paramLabel = "URL", defaultValue = "https://api.github.com", description = "GitHub's API "
            + "(a GitHub Enterprise server: https://HOST/api/v3) (default: ${DEFAULT-VALUE}).")
    java.net.URI githubApiUrl;

    @Option(names = "--kubernetes-tokens", paramLabel = "kubeconfig=PATH|in-cluster,cluster=ID[,audience=AUD]", description = "The CA "
            + "accepts Kubernetes service-account tokens (strait agent --kubernetes-token-file), reviewed by this cluster's API "
            + "server (TokenReview; its account needs create on tokenreviews) for audience istio-ca unless audience= says; "
            + "repeatable, one per cluster; a caller's --cluster-id picks one, the first is the default.")
    List<String> kubernetesTokens = new ArrayList<>();

    @Option(names = "--kubernetes-root-configmap", arity = "1", defaultValue = "true", paramLabel = "true|false", description = "The "
            + "CA writes Istio's istio-ca-root-cert ConfigMap (root-cert.pem: every trusted root) into every namespace of each "
            + "--kubernetes-tokens cluster and keeps it there, as istiod does; its account needs get/list/watch/create/update on "
            + "configmaps and list/watch on namespaces (default: ${DEFAULT-VALUE}).")
    boolean kubernetesRootConfigMap = true;

    @Option(names = "--rollout", paramLabel = "canary=P%,wait=D[,source=NAME]", description = "Staged rollout of every "
            + "revision: first to a deterministic P%% of the scopes (at least one), then, after D and only if every canary "
            + "proxy ACKed and none NACKed, to all; a NACK halts it (see strait rollout). Without source=, for every source of "
            + "this node; repeatable.")
    List<String> rollouts = new ArrayList<>();

    List<io.strait.bus.envelope.RolloutPolicy.Spec> rollouts() {
        return rollouts.stream().map(io.strait.bus.envelope.RolloutPolicy::parse).toList();
    }

    /** A secret file's contents, trimmed of the newline editors add; never echoed. */
    private static byte[] secret(String flag, Path file) {
        try {
            String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException(flag + " " + file.toAbsolutePath() + " is empty; put the secret in it");
            }
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + flag + " " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    io.strait.cli.notify.NotifyOptions notifications() {
        if (notifyGithubStatus && githubTokenFile == null) {
            throw new IllegalArgumentException("--notify-github-status needs --github-token-file FILE (a token allowed to set commit statuses)");
        }
        if (!notifyGithubStatus && githubTokenFile != null) {
            throw new IllegalArgumentException("--github-token-file is only read with --notify-github-status");
        }
        for (java.net.URI url : notifyUrls) {
            if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
                throw new IllegalArgumentException("--notify-url " + url + " is not an http(s) URL");
            }
        }
        if (notifyUrls.isEmpty() && notifySecretFile != null) {
            throw new IllegalArgumentException("--notify-secret-file is only read with --notify-url");
        }
        return new io.strait.cli.notify.NotifyOptions(notifyUrls,
                notifySecretFile == null ? null : secret("--notify-secret-file", notifySecretFile),
                notifyGithubStatus ? new String(secret("--github-token-file", githubTokenFile), java.nio.charset.StandardCharsets.UTF_8) : null,
                githubApiUrl);
    }

    /**
     * Splits the {@code --config}s into the folder source and the git sources; with no {@code --config} the folder
     * stays what it was (config-sources, or demo's sample).
     */
    void splitConfigs() {
        if (configs.isEmpty()) {
            return;
        }
        List<String> folders = configs.stream().filter(c -> !io.strait.ingest.git.GitSourceName.isGitUrl(c)).toList();
        if (folders.size() > 1) {
            throw new IllegalArgumentException("--config names " + folders.size() + " folders (" + String.join(", ", folders)
                    + "): one folder source per node for now; git repositories may be given several times");
        }
        config = folders.isEmpty() ? null : Path.of(folders.get(0));
    }

    /** One git source per git {@code --config}, each with the --git-* flags. */
    List<io.strait.ingest.git.GitSourceOptions> gitSources() {
        long pollNanos = io.strait.model.istio.Durations.nanos(gitPoll);
        if (pollNanos < 1_000_000_000L) {
            throw new IllegalArgumentException("--git-poll " + gitPoll + " must be a duration of at least 1s");
        }
        for (Path f : new Path[] {gitTokenFile, gitSshKey, gitKnownHosts, gitVerifyKeyring}) {
            if (f != null && !java.nio.file.Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f.toAbsolutePath() + " (a --git-* file flag) is not a file");
            }
        }
        var limits = new io.strait.ingest.git.GitLimits(gitMaxFileMib * 1024 * 1024, gitMaxFiles, gitMaxTotalMib * 1024 * 1024);
        return configs.stream().filter(io.strait.ingest.git.GitSourceName::isGitUrl)
                .map(url -> new io.strait.ingest.git.GitSourceOptions(url, gitBranch, gitPath, Duration.ofNanos(pollNanos), gitDepth,
                        gitUser, gitTokenFile, gitSshKey, gitKnownHosts, gitVerifyKeyring, limits, meshConfig))
                .toList();
    }

    /** The trust domain: {@code --trust-domain}, else the MeshConfig's ({@code --mesh-config}, else the folder's mesh.yaml). */
    io.strait.cli.runtime.MeshTrustDomain meshTrustDomain() {
        Path meshFile = meshConfig != null ? meshConfig : config == null ? null : config.resolve(io.strait.model.istio.MeshConfig.FILE_NAME);
        return io.strait.cli.runtime.MeshTrustDomain.resolve(trustDomain, meshFile);
    }

    CaOptions caOptions() {
        boolean plugged = caDir != null;
        return new CaOptions(plugged ? caDir : dataDir.resolve("ca"), plugged, KeyType.parse(caKeyType), meshTrustDomain().trustDomain(),
                bind, securePort,
                secureSans, Duration.ofHours(24), Duration.ofSeconds(30), "ca-" + (frontId != null ? frontId : bind + ":" + securePort))
                .withKubernetesTokens(kubernetesTokens.stream().map(io.strait.ca.auth.TokenReviewCluster::parse).toList())
                .withKubernetesRootConfigMap(kubernetesRootConfigMap);
    }

    /** {@code --janitor-retention} as a duration; zero: no janitor. */
    java.time.Duration janitorRetention() {
        long nanos = "0".equals(janitorRetention.trim()) ? 0 : io.strait.model.istio.Durations.nanos(janitorRetention);
        if (nanos != 0 && nanos < 1_000_000_000L) {
            throw new IllegalArgumentException("--janitor-retention " + janitorRetention + " must be 0 (off) or a duration of at least 1s, such as 10m");
        }
        return java.time.Duration.ofNanos(nanos);
    }

    NodeOptions options(Set<Role> roles) {
        splitConfigs();
        long nanos = io.strait.model.istio.Durations.nanos(groupSessionTimeout);
        if (nanos < 1_000_000_000L) {
            throw new IllegalArgumentException("--group-session-timeout " + groupSessionTimeout + " must be a duration of at least 1s");
        }
        if (identityDir != null && roles.contains(Role.CA)) {
            throw new IllegalArgumentException("--identity-dir is for an xDS front running without the CA (strait run xds); "
                    + "with the CA in this process xDS is served on the CA's secure port with the CA's own certificate");
        }
        if (identityDir != null && !java.nio.file.Files.isDirectory(identityDir)) {
            throw new IllegalArgumentException("--identity-dir " + identityDir.toAbsolutePath() + " is not a directory");
        }
        if (secretDir != null && !java.nio.file.Files.isDirectory(secretDir)) {
            throw new IllegalArgumentException("--secret-dir " + secretDir.toAbsolutePath() + " is not a directory");
        }
        if (roles.contains(Role.XDS) && !plaintextXds && !roles.contains(Role.CA) && identityDir == null) {
            throw new IllegalArgumentException("--plaintext-xds=false leaves this xDS front no port: give it --identity-dir DIR "
                    + "for a secure port, or run it with the CA (strait up)");
        }
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, config, bind, xdsPort, adminPort,
                frontId != null ? frontId : "front-" + xdsPort, (int) (nanos / 1_000_000), meshConfig, caOptions())
                .withXdsSecurity(plaintextXds, identityDir, secretDir)
                .withTrustDomainAliases(meshTrustDomain().aliases())
                .withHooks(webhookSecretFile == null ? null : secret("--webhook-secret-file", webhookSecretFile), notifications())
                .withGitSources(gitSources())
                .withKubernetesSources(kubernetesSources());
    }
}

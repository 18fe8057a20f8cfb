package io.strait.cli.runtime;

import io.strait.ca.role.CaOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * What one Strait process runs and where.
 *
 * @param roles      the roles to deploy
 * @param kafka      an external cluster's bootstrap servers, or null for the embedded broker
 * @param kafkaPort  the embedded broker's port (0 picks one)
 * @param dataDir    where the embedded broker and the log file live
 * @param configDir  the folder the ingest role watches
 * @param xdsHost    address the xDS front binds
 * @param xdsPort    port of the xDS front
 * @param adminPort  port of the admin server (/healthz, /readyz, /status); -1 for none
 * @param frontId    id of this process's xDS front
 * @param groupSessionTimeoutMs how soon the translators' consumer group notices a dead member
 * @param meshConfig the MeshConfig file the ingest role reads instead of the config folder's {@code mesh.yaml}
 *                   ({@code --mesh-config}), or null
 * @param ca         how the CA role runs (its directory, trust domain, secure port)
 * @param plaintextXds serve the plaintext xDS port ({@code --plaintext-xds}, default true: the demo's)
 * @param identityDir a front running without the CA: its secure port's identity ({@code --identity-dir}), or null
 * @param secretDir   the {@code credentialName} secret store fronts serve over SDS ({@code --secret-dir}), or null
 * @param trustDomainAliases more trust domains whose identities the secure xDS port accepts as the mesh's (MeshConfig
 *                    {@code trustDomainAliases})
 * @param webhookSecret the {@code --webhook-secret-file} contents, or null: {@code POST /webhooks/git} is off
 * @param notifications where revision events are sent ({@code --notify-url}, {@code --notify-github-status})
 * @param gitSources the git repositories the ingest role follows besides (or instead of) the folder
 * @param kubernetesSources the clusters the ingest role reads registries (and, {@code config=true}, Istio objects) from
 *                   ({@code --kubernetes})
 */
public record NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                          int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs, Path meshConfig, CaOptions ca,
                          boolean plaintextXds, Path identityDir, Path secretDir, Set<String> trustDomainAliases,
                          byte[] webhookSecret, io.strait.cli.notify.NotifyOptions notifications,
                          java.util.List<io.strait.ingest.git.GitSourceOptions> gitSources,
                          java.util.List<io.strait.ingest.kubernetes.KubernetesClusterOptions> kubernetesSources) {

    public NodeOptions {
        kubernetesSources = kubernetesSources == null ? java.util.List.of() : java.util.List.copyOf(kubernetesSources);
        trustDomainAliases = Set.copyOf(trustDomainAliases);
        notifications = notifications == null ? io.strait.cli.notify.NotifyOptions.none() : notifications;
        gitSources = gitSources == null ? java.util.List.of() : java.util.List.copyOf(gitSources);
    }

    /** Options without Kubernetes sources. */
    public NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                       int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs, Path meshConfig, CaOptions ca,
                       boolean plaintextXds, Path identityDir, Path secretDir, Set<String> trustDomainAliases,
                       byte[] webhookSecret, io.strait.cli.notify.NotifyOptions notifications,
                       java.util.List<io.strait.ingest.git.GitSourceOptions> gitSources) {
        this(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs, meshConfig, ca,
                plaintextXds, identityDir, secretDir, trustDomainAliases, webhookSecret, notifications, gitSources, java.util.List.of());
    }

    /** The same options with these Kubernetes clusters ({@code --kubernetes}). */
    public NodeOptions withKubernetesSources(java.util.List<io.strait.ingest.kubernetes.KubernetesClusterOptions> clusters) {
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs,
                meshConfig, ca, plaintextXds, identityDir, secretDir, trustDomainAliases, webhookSecret, notifications, gitSources, clusters);
    }

    /** Options without webhooks, notifications or git sources. */
    public NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                       int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs, Path meshConfig, CaOptions ca,
                       boolean plaintextXds, Path identityDir, Path secretDir, Set<String> trustDomainAliases) {
        this(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs, meshConfig, ca,
                plaintextXds, identityDir, secretDir, trustDomainAliases, null, null, java.util.List.of());
    }

    /** The same options with the admin port's webhook secret and the revision notifications set. */
    public NodeOptions withHooks(byte[] secret, io.strait.cli.notify.NotifyOptions notifications) {
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs,
                meshConfig, ca, plaintextXds, identityDir, secretDir, trustDomainAliases, secret, notifications, gitSources, kubernetesSources);
    }

    /** The same options with these git sources. */
    public NodeOptions withGitSources(java.util.List<io.strait.ingest.git.GitSourceOptions> git) {
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs,
                meshConfig, ca, plaintextXds, identityDir, secretDir, trustDomainAliases, webhookSecret, notifications, git, kubernetesSources);
    }

    /** Options with the plaintext xDS port on, no front identity directory and no secret store. */
    public NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                       int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs, Path meshConfig, CaOptions ca) {
        this(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs, meshConfig, ca,
                true, null, null, Set.of());
    }

    /** The same options with the front's xDS security set. */
    public NodeOptions withXdsSecurity(boolean plaintext, Path identity, Path secrets) {
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs,
                meshConfig, ca, plaintext, identity, secrets, trustDomainAliases, webhookSecret, notifications, gitSources, kubernetesSources);
    }

    /** The same options with the trust domain aliases the mesh's MeshConfig names. */
    public NodeOptions withTrustDomainAliases(Set<String> aliases) {
        return new NodeOptions(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs,
                meshConfig, ca, plaintextXds, identityDir, secretDir, aliases, webhookSecret, notifications, gitSources, kubernetesSources);
    }

    /** Every trust domain whose identities count as this mesh's: the CA's, then the aliases. */
    public Set<String> trustDomains() {
        Set<String> all = new java.util.LinkedHashSet<>();
        all.add(ca.trustDomain());
        all.addAll(trustDomainAliases);
        return all;
    }

    /** Options whose MeshConfig is the config folder's own {@code mesh.yaml}, if it has one, and the embedded CA's defaults. */
    public NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                       int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs) {
        this(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs, null);
    }

    /** Options with the embedded CA's defaults: a root in {@code <dataDir>/ca/}, the secure port on a free port. */
    public NodeOptions(Set<Role> roles, String kafka, int kafkaPort, Path dataDir, Path configDir, String xdsHost,
                       int xdsPort, int adminPort, String frontId, int groupSessionTimeoutMs, Path meshConfig) {
        this(roles, kafka, kafkaPort, dataDir, configDir, xdsHost, xdsPort, adminPort, frontId, groupSessionTimeoutMs, meshConfig,
                CaOptions.embedded(dataDir.resolve("ca"), xdsHost, 0));
    }

    /** The source name the ingest role records for the folder: {@code folder:<folder name>}; null without a folder. */
    public String sourceName() {
        if (configDir == null) {
            return null;
        }
        Path name = configDir.toAbsolutePath().normalize().getFileName();
        return "folder:" + (name == null ? "/" : name.toString());
    }
}

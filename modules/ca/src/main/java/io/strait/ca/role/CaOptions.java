package io.strait.ca.role;

import io.strait.ca.auth.TokenReviewCluster;
import io.strait.ca.grpc.ServingIdentity;
import io.strait.ca.keys.KeyType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one CA process runs.
 *
 * @param caDir          where the CA lives: a plugged-in CA (Istio's cacerts layout) or {@code <data-dir>/ca/}
 * @param pluggedIn      true for an operator's CA: it must be there and is never created; false lets the first start
 *                       create a self-signed root in {@code caDir}
 * @param keyType        key type of a root created here
 * @param trustDomain    the SPIFFE trust domain, e.g. {@code cluster.local}
 * @param bindHost       address of the secure port
 * @param securePort     the secure port (15012 like istiod; 0 picks one)
 * @param servingHosts   DNS names and IPs the secure port's certificate names besides {@code istiod.istio-system.svc}
 * @param servingTtl     lifetime of the secure port's certificate (renewed at half of it)
 * @param reloadInterval how often a plugged-in CA directory is re-read for rotated roots or keys
 * @param replicaId      this CA replica's id, recorded on the trust bundle it publishes
 * @param kubernetesTokens clusters whose API servers review Kubernetes service-account tokens as credentials
 *                         ({@code --kubernetes-tokens}); empty: join tokens and certificates only
 * @param kubernetesRootConfigMap whether the CA writes Istio's {@code istio-ca-root-cert} ConfigMap into every
 *                         namespace of those clusters ({@code --kubernetes-root-configmap}, on by default)
 */
public record CaOptions(Path caDir, boolean pluggedIn, KeyType keyType, String trustDomain, String bindHost, int securePort,
                        List<String> servingHosts, Duration servingTtl, Duration reloadInterval, String replicaId,
                        List<TokenReviewCluster> kubernetesTokens, boolean kubernetesRootConfigMap) {
    /** Istio's default trust domain. */
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    /** istiod's secure port. */
    public static final int DEFAULT_SECURE_PORT = 15012;

    public CaOptions {
        servingHosts = List.copyOf(servingHosts);
        kubernetesTokens = TokenReviewCluster.distinct(kubernetesTokens == null ? List.of() : kubernetesTokens);
    }

    /** Options without Kubernetes token review. */
    public CaOptions(Path caDir, boolean pluggedIn, KeyType keyType, String trustDomain, String bindHost, int securePort,
                     List<String> servingHosts, Duration servingTtl, Duration reloadInterval, String replicaId) {
        this(caDir, pluggedIn, keyType, trustDomain, bindHost, securePort, servingHosts, servingTtl, reloadInterval, replicaId, List.of(),
                true);
    }

    /** These options, accepting service-account tokens reviewed by {@code clusters}' API servers. */
    public CaOptions withKubernetesTokens(List<TokenReviewCluster> clusters) {
        return new CaOptions(caDir, pluggedIn, keyType, trustDomain, bindHost, securePort, servingHosts, servingTtl, reloadInterval,
                replicaId, clusters, kubernetesRootConfigMap);
    }

    /** These options, writing (or with false not writing) the {@code istio-ca-root-cert} ConfigMaps. */
    public CaOptions withKubernetesRootConfigMap(boolean write) {
        return new CaOptions(caDir, pluggedIn, keyType, trustDomain, bindHost, securePort, servingHosts, servingTtl, reloadInterval,
                replicaId, kubernetesTokens, write);
    }

    /** Whether {@link RootCertPublisher} runs: on unless turned off, and only for clusters named. */
    public boolean writesRootConfigMaps() {
        return kubernetesRootConfigMap && !kubernetesTokens.isEmpty();
    }

    /** The defaults {@code strait up} uses: a root created in {@code caDir} on first start, ECDSA, cluster.local. */
    public static CaOptions embedded(Path caDir, String bindHost, int securePort) {
        return new CaOptions(caDir, false, KeyType.ECDSA, DEFAULT_TRUST_DOMAIN, bindHost, securePort, List.of(),
                Duration.ofHours(24), Duration.ofSeconds(30), "ca-" + securePort);
    }

    /** DNS SANs of the serving certificate: Istio's name, localhost, and the configured names that are not IPs. */
    public List<String> servingDnsNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(List.of(ServingIdentity.ISTIOD_HOST, "istiod", "localhost"));
        servingHosts.stream().filter(h -> !isIp(h)).forEach(names::add);
        if (!isIp(bindHost) && !bindHost.isEmpty()) {
            names.add(bindHost);
        }
        return List.copyOf(names);
    }

    /** IP SANs of the serving certificate: loopback, the bind address if it is one, and the configured IPs. */
    public List<String> servingIps() {
        java.util.LinkedHashSet<String> ips = new java.util.LinkedHashSet<>(List.of("127.0.0.1"));
        if (isIp(bindHost) && !bindHost.equals("0.0.0.0")) {
            ips.add(bindHost);
        }
        servingHosts.stream().filter(CaOptions::isIp).forEach(ips::add);
        return List.copyOf(ips);
    }

    static boolean isIp(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }
}

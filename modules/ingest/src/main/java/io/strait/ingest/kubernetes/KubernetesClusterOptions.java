package io.strait.ingest.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code --kubernetes kubeconfig=PATH,cluster=ID[,network=NET][,config=true][,domain=cluster.local]} flag: which
 * cluster to read, under which id and network its endpoints are published, and whether its Istio objects are config.
 *
 * @param kubeconfig the kubeconfig file, or null for the in-cluster config (the pod's service-account token)
 * @param cluster    the cluster id ({@code topology.istio.io/cluster} of its endpoints, the key prefix on the bus)
 * @param network    the cluster's network (empty: one network), overridden by a namespace's or pod's
 *                   {@code topology.istio.io/network} label
 * @param config     true when the cluster's Istio objects are a config source ({@code kubernetes:<cluster>})
 * @param domain     the cluster's DNS domain: hostnames are {@code <svc>.<ns>.svc.<domain>}
 */
public record KubernetesClusterOptions(Path kubeconfig, String cluster, String network, boolean config, String domain) {
    /** The value of {@code kubeconfig=} that asks for the in-cluster config. */
    public static final String IN_CLUSTER = "in-cluster";
    public static final String DEFAULT_DOMAIN = "cluster.local";
    private static final Set<String> KEYS = Set.of("kubeconfig", "cluster", "network", "config", "domain");
    /** A cluster id is part of keys and label values: a DNS label's characters. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    public KubernetesClusterOptions {
        network = network == null ? "" : network;
        domain = domain == null || domain.isEmpty() ? DEFAULT_DOMAIN : domain;
    }

    /** The config source's name: {@code kubernetes:<cluster>}. */
    public String sourceName() {
        return "kubernetes:" + cluster;
    }

    /** True when the client reads the pod's own service account and API server address. */
    public boolean inCluster() {
        return kubeconfig == null;
    }

    /**
     * Parses one flag's value.
     *
     * @param inPod true when this process runs in a pod (an absent kubeconfig then means in-cluster)
     * @throws IllegalArgumentException with one line saying what is wrong and what to write instead
     */
    public static KubernetesClusterOptions parse(String text, boolean inPod) {
        String flag = "--kubernetes " + text + ": ";
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(flag + "\"" + item + "\" is not key=value (keys: kubeconfig, cluster, network, config, domain)");
            }
            String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(flag + "unknown key \"" + key + "\" (keys: kubeconfig, cluster, network, config, domain)");
            }
            if (values.put(key, item.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(flag + "\"" + key + "\" is given twice");
            }
        }
        String cluster = values.get("cluster");
        if (cluster == null || cluster.isEmpty()) {
            throw new IllegalArgumentException(flag + "cluster=ID is required (the id its endpoints are published under)");
        }
        if (!ID.matcher(cluster).matches()) {
            throw new IllegalArgumentException(flag + "cluster id \"" + cluster + "\" must be letters, digits, '-', '_' or '.' (at most 63)");
        }
        String config = values.getOrDefault("config", "false").toLowerCase(Locale.ROOT);
        if (!config.equals("true") && !config.equals("false")) {
            throw new IllegalArgumentException(flag + "config must be true or false, not \"" + values.get("config") + "\"");
        }
        Path kubeconfig = kubeconfig(flag, values.get("kubeconfig"), inPod);
        return new KubernetesClusterOptions(kubeconfig, cluster, values.get("network"), config.equals("true"), values.get("domain"));
    }

    private static Path kubeconfig(String flag, String value, boolean inPod) {
        if (value == null || value.isEmpty()) {
            if (inPod) {
                return null;
            }
            throw new IllegalArgumentException(flag + "kubeconfig=PATH is required outside a pod (or kubeconfig=in-cluster in one)");
        }
        if (value.equals(IN_CLUSTER)) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(flag + "kubeconfig " + path + " does not exist or is not a file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(flag + "kubeconfig " + path + " cannot be read (check its permissions)");
        }
        return path;
    }

    /**
     * Parses every flag and checks them together.
     *
     * @throws IllegalArgumentException when a flag is wrong or two name the same cluster id
     */
    public static List<KubernetesClusterOptions> parseAll(List<String> flags, boolean inPod) {
        List<KubernetesClusterOptions> out = flags.stream().map(f -> parse(f, inPod)).toList();
        checkDistinct(out);
        return out;
    }

    /** @throws IllegalArgumentException naming the id two clusters share */
    public static void checkDistinct(List<KubernetesClusterOptions> clusters) {
        Set<String> seen = new HashSet<>();
        for (KubernetesClusterOptions c : clusters) {
            if (!seen.add(c.cluster())) {
                throw new IllegalArgumentException("--kubernetes: cluster id \"" + c.cluster() + "\" is given to two clusters; "
                        + "each cluster needs its own id (its endpoints are published under it)");
            }
        }
    }

    /** True when this process runs in a Kubernetes pod (the API server's address is in its environment). */
    public static boolean runningInPod(Map<String, String> environment) {
        return environment.containsKey("KUBERNETES_SERVICE_HOST");
    }
}

package io.strait.it.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.strait.cli.Main;
import io.strait.cli.runtime.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What must hold across the objects of one rendered overlay for Strait to start in it: every Deployment's command
 * line parses with the real {@code strait} command classes (picocli), its probes reach the admin port it opens on a
 * non-loopback address, the files its flags name are mounted, the ConfigMaps, ServiceAccounts and env variables it
 * refers to exist; every Service and PodDisruptionBudget selects pods of some Deployment, on ports they expose.
 */
final class RenderedChecks {
    /**
     * Flags other branches of issue 13 add (the Kubernetes source, TokenReview for the CA). They are accepted while
     * this CLI does not have them yet; once it has them they are parsed like every other flag.
     */
    static final Set<String> FLAGS_NOT_YET_MERGED = Set.of("--kubernetes", "--kubernetes-tokens");

    /** The one Secret the manifests use without shipping it: the CA's key, which the user creates (README). */
    static final Set<String> SECRETS_THE_USER_CREATES = Set.of("cacerts");

    private static final Set<String> PATH_FLAGS = Set.of("--data-dir", "--ca-dir", "--mesh-config", "--identity-dir", "--secret-dir",
            "--webhook-secret-file", "--notify-secret-file", "--git-token-file", "--git-ssh-key", "--git-known-hosts",
            "--git-verify-keyring", "--github-token-file");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private RenderedChecks() {
    }

    static List<String> check(List<HasMetadata> objects) {
        List<String> errors = new ArrayList<>();
        List<Deployment> deployments = of(objects, Deployment.class);
        if (deployments.isEmpty()) {
            errors.add("no Deployment rendered");
        }
        for (Deployment d : deployments) {
            String at = "Deployment " + d.getMetadata().getName();
            var pod = d.getSpec().getTemplate().getSpec();
            if (!Objects.equals(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels())
                    && !selects(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                errors.add(at + ": spec.selector does not select its own pod template");
            }
            String sa = pod.getServiceAccountName();
            if (sa != null && of(objects, ServiceAccount.class).stream().noneMatch(s -> s.getMetadata().getName().equals(sa))) {
                errors.add(at + ": serviceAccountName " + sa + " is not rendered");
            }
            pod.getVolumes().forEach(v -> {
                if (v.getConfigMap() != null && configMap(objects, v.getConfigMap().getName()) == null) {
                    errors.add(at + ": volume " + v.getName() + " mounts ConfigMap " + v.getConfigMap().getName() + ", which is not rendered");
                }
                if (v.getSecret() != null && !SECRETS_THE_USER_CREATES.contains(v.getSecret().getSecretName())) {
                    errors.add(at + ": volume " + v.getName() + " mounts Secret " + v.getSecret().getSecretName()
                            + ", neither rendered nor documented as the user's");
                }
            });
            for (Container c : pod.getContainers()) {
                container(at + " container " + c.getName(), c, objects, errors);
            }
        }
        for (Service s : of(objects, Service.class)) {
            String at = "Service " + s.getMetadata().getName();
            List<Deployment> targets = deployments.stream()
                    .filter(d -> selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).toList();
            if (targets.isEmpty()) {
                errors.add(at + ": selector " + s.getSpec().getSelector() + " selects no Deployment's pods");
            }
            s.getSpec().getPorts().forEach(p -> targets.forEach(d -> {
                if (port(d.getSpec().getTemplate().getSpec().getContainers(), p.getTargetPort()) == null) {
                    errors.add(at + ": port " + p.getName() + " targets " + p.getTargetPort().getValue() + ", which "
                            + d.getMetadata().getName() + "'s containers do not expose");
                }
            }));
        }
        for (PodDisruptionBudget b : of(objects, PodDisruptionBudget.class)) {
            if (deployments.stream().noneMatch(d -> selects(b.getSpec().getSelector().getMatchLabels(),
                    d.getSpec().getTemplate().getMetadata().getLabels()))) {
                errors.add("PodDisruptionBudget " + b.getMetadata().getName() + " selects no Deployment's pods");
            }
        }
        for (ClusterRoleBinding b : of(objects, ClusterRoleBinding.class)) {
            b.getSubjects().forEach(s -> {
                if (of(objects, ServiceAccount.class).stream().noneMatch(a -> a.getMetadata().getName().equals(s.getName())
                        && Objects.equals(a.getMetadata().getNamespace(), s.getNamespace()))) {
                    errors.add("ClusterRoleBinding " + b.getMetadata().getName() + ": subject " + s.getNamespace() + "/" + s.getName()
                            + " is no rendered ServiceAccount (a namespace changed without the binding?)");
                }
            });
        }
        return errors;
    }

    private static void container(String at, Container c, List<HasMetadata> objects, List<String> errors) {
        List<String> args = c.getArgs();
        if (args.isEmpty() || !args.get(0).equals("run")) {
            errors.add(at + ": args must start with `run ROLE…` (the image's entrypoint is the strait CLI)");
            return;
        }
        Set<String> env = new java.util.HashSet<>();
        for (EnvVar e : c.getEnv()) {
            env.add(e.getName());
            if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                ConfigMap cm = configMap(objects, ref.getName());
                if (cm == null || cm.getData() == null || !cm.getData().containsKey(ref.getKey())) {
                    errors.add(at + ": env " + e.getName() + " reads ConfigMap " + ref.getName() + " key " + ref.getKey() + ", which is not rendered");
                }
            }
        }
        for (String arg : args) {
            Matcher m = ENV_REFERENCE.matcher(arg);
            while (m.find()) {
                if (!env.contains(m.group(1))) {
                    errors.add(at + ": argument " + arg + " refers to $(" + m.group(1) + "), which the container's env does not define");
                }
            }
        }
        CommandSpec run = new CommandLine(new Main()).getSubcommands().get("run").getCommandSpec();
        List<String> parsed = args.stream().filter(a -> !FLAGS_NOT_YET_MERGED.contains(flagName(a)) || run.findOption(flagName(a)) != null).toList();
        CommandLine.ParseResult result;
        try {
            result = new CommandLine(new Main()).parseArgs(parsed.toArray(String[]::new)).subcommand();
        } catch (CommandLine.ParameterException e) {
            errors.add(at + ": `strait " + String.join(" ", parsed) + "` does not parse: " + e.getMessage());
            return;
        }
        for (String role : result.<List<String>>matchedPositionalValue(0, List.of())) {
            try {
                Role.parse(role);
            } catch (IllegalArgumentException e) {
                errors.add(at + ": role " + role + ": " + e.getMessage());
            }
        }
        int adminPort = result.matchedOptionValue("--admin-port", Integer.parseInt(run.findOption("--admin-port").defaultValue()));
        String adminBind = result.matchedOptionValue("--admin-bind", run.findOption("--admin-bind").defaultValue());
        if (adminBind.startsWith("127.") || adminBind.equals("localhost")) {
            errors.add(at + ": --admin-bind " + adminBind + " is loopback: the kubelet's probes could not reach /readyz");
        }
        probe(at + " readinessProbe", c.getReadinessProbe(), "/readyz", adminPort, c, errors);
        probe(at + " livenessProbe", c.getLivenessProbe(), "/healthz", adminPort, c, errors);
        if (result.hasMatchedOption("--xds-port") || args.contains("xds")) {
            int xds = result.matchedOptionValue("--xds-port", 15010);
            if (port(List.of(c), new IntOrString(xds)) == null) {
                errors.add(at + ": runs xds on " + xds + " but does not expose that port");
            }
        }
        for (String flag : PATH_FLAGS) {
            if (result.hasMatchedOption(flag)) {
                String path = result.matchedOption(flag).getValue().toString();
                VolumeMount mount = mountOf(c, path);
                if (mount == null) {
                    errors.add(at + ": " + flag + " " + path + " is on the read-only root file system, under no volume mount");
                } else if (flag.equals("--data-dir") && Boolean.TRUE.equals(mount.getReadOnly())) {
                    errors.add(at + ": --data-dir " + path + " is mounted read-only; the node writes its admin token and log there");
                }
            }
        }
        List<String> configs = result.matchedOptionValue("--config", List.of());
        configs.stream().filter(cfg -> cfg.startsWith("/")).filter(cfg -> mountOf(c, cfg) == null)
                .forEach(cfg -> errors.add(at + ": --config folder " + cfg + " is under no volume mount"));
        var sc = c.getSecurityContext();
        if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()) || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            errors.add(at + ": securityContext must set readOnlyRootFilesystem: true and allowPrivilegeEscalation: false");
        }
        if (c.getResources() == null || c.getResources().getRequests().isEmpty() || c.getResources().getLimits().isEmpty()) {
            errors.add(at + ": resources.requests and resources.limits are required");
        }
    }

    private static void probe(String at, Probe probe, String path, int adminPort, Container c, List<String> errors) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            errors.add(at + ": an httpGet probe on " + path + " is required");
            return;
        }
        if (!path.equals(get.getPath())) {
            errors.add(at + ": path " + get.getPath() + ", expected " + path);
        }
        ContainerPort p = port(List.of(c), get.getPort());
        if (p == null || p.getContainerPort() != adminPort) {
            errors.add(at + ": port " + get.getPort().getValue() + " is not the admin port " + adminPort + " the container opens");
        }
    }

    /** The container port a Service or probe port names (by name or number), or null. */
    private static ContainerPort port(List<Container> containers, IntOrString target) {
        for (Container c : containers) {
            for (ContainerPort p : c.getPorts()) {
                if (target.getStrVal() != null ? target.getStrVal().equals(p.getName()) : target.getIntVal().equals(p.getContainerPort())) {
                    return p;
                }
            }
        }
        return null;
    }

    private static VolumeMount mountOf(Container c, String file) {
        Path p = Path.of(file).normalize();
        return c.getVolumeMounts().stream().filter(m -> p.startsWith(Path.of(m.getMountPath()))).findFirst().orElse(null);
    }

    private static String flagName(String arg) {
        int eq = arg.indexOf('=');
        return eq > 0 ? arg.substring(0, eq) : arg;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static ConfigMap configMap(List<HasMetadata> objects, String name) {
        return of(objects, ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}

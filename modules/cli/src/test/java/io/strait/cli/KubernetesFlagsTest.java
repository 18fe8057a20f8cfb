package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --kubernetes} on {@code strait up}: the clusters reach NodeOptions, and a bad one is one clear message. */
class KubernetesFlagsTest {
    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://10.0.0.1:6443"}
            contexts:
            - name: c
              context: {cluster: c, user: u}
            current-context: c
            users:
            - name: u
              user: {token: t}
            """;

    private static NodeOptions options(String... args) {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(args);
        return up.flags.options(EnumSet.allOf(Role.class));
    }

    @Test
    void clustersReachTheNodeOptions(@TempDir Path dir) throws Exception {
        Path kc = Files.writeString(dir.resolve("kc"), KUBECONFIG);
        NodeOptions o = options("--data-dir", dir.toString(), "--kubernetes", "kubeconfig=" + kc + ",cluster=east,network=n1",
                "--kubernetes", "kubeconfig=" + kc + ",cluster=west,config=true");
        assertThat(o.kubernetesSources()).extracting(k -> k.cluster()).containsExactly("east", "west");
        assertThat(o.kubernetesSources().get(1).config()).isTrue();
        assertThat(o.withGitSources(java.util.List.of()).kubernetesSources()).hasSize(2);
    }

    @Test
    void duplicateIdsAndBadKubeconfigsAreRefused(@TempDir Path dir) throws Exception {
        Path kc = Files.writeString(dir.resolve("kc"), KUBECONFIG);
        assertThatThrownBy(() -> options("--data-dir", dir.toString(), "--kubernetes", "kubeconfig=" + kc + ",cluster=a",
                "--kubernetes", "kubeconfig=" + kc + ",cluster=a")).hasMessageContaining("cluster id \"a\" is given to two clusters");
        Path bad = Files.writeString(dir.resolve("bad"), "clusters: [nope: {\n");
        assertThatThrownBy(() -> options("--data-dir", dir.toString(), "--kubernetes", "kubeconfig=" + bad + ",cluster=a"))
                .hasMessageContaining("kubeconfig " + bad).hasMessageContaining("cannot be read as a kubeconfig");
    }

    @Test
    void theRootConfigMapIsWrittenByDefaultWhenClustersAreNamedAndCanBeTurnedOff(@TempDir Path dir) throws Exception {
        Path kc = Files.writeString(dir.resolve("kc"), KUBECONFIG);
        assertThat(caOptions("--data-dir", dir.toString()).writesRootConfigMaps()).isFalse(); // no cluster named
        assertThat(caOptions("--data-dir", dir.toString(), "--kubernetes-tokens", "kubeconfig=" + kc + ",cluster=east")
                .writesRootConfigMaps()).isTrue();
        assertThat(caOptions("--data-dir", dir.toString(), "--kubernetes-tokens", "kubeconfig=" + kc + ",cluster=east",
                "--kubernetes-root-configmap=false").writesRootConfigMaps()).isFalse();
    }

    private static io.strait.ca.role.CaOptions caOptions(String... args) {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(args);
        return up.flags.caOptions();
    }
}

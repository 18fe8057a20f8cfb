package io.strait.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kubernetes} flags: what they mean, and one clear line for each mistake. */
class KubernetesClusterOptionsTest {
    @Test
    void parsesEveryKey(@TempDir Path dir) throws Exception {
        Path kc = dir.resolve("kc");
        Files.writeString(kc, "apiVersion: v1\nkind: Config\nclusters: []\n");
        KubernetesClusterOptions o = KubernetesClusterOptions.parse("kubeconfig=" + kc + ",cluster=east,network=n1,config=true,domain=corp.local", false);
        assertThat(o).isEqualTo(new KubernetesClusterOptions(kc, "east", "n1", true, "corp.local"));
        assertThat(o.sourceName()).isEqualTo("kubernetes:east");
        KubernetesClusterOptions in = KubernetesClusterOptions.parse("cluster=here", true);
        assertThat(in.inCluster()).isTrue();
        assertThat(in.domain()).isEqualTo("cluster.local");
        assertThat(KubernetesClusterOptions.parse("kubeconfig=in-cluster,cluster=c", false).inCluster()).isTrue();
    }

    @Test
    void mistakesAreOneLineEach(@TempDir Path dir) throws Exception {
        Path kc = dir.resolve("kc");
        Files.writeString(kc, "clusters: []\n");
        assertThatThrownBy(() -> KubernetesClusterOptions.parse("kubeconfig=" + kc + ",cluster=a,colour=blue", false))
                .hasMessageContaining("unknown key \"colour\"");
        assertThatThrownBy(() -> KubernetesClusterOptions.parse("kubeconfig=" + kc, false)).hasMessageContaining("cluster=ID is required");
        assertThatThrownBy(() -> KubernetesClusterOptions.parse("kubeconfig=" + dir.resolve("missing") + ",cluster=a", false))
                .hasMessageContaining("missing does not exist");
        assertThatThrownBy(() -> KubernetesClusterOptions.parse("cluster=a", false)).hasMessageContaining("kubeconfig=PATH is required outside a pod");
        assertThatThrownBy(() -> KubernetesClusterOptions.parse("kubeconfig=" + kc + ",cluster=a,config=yes", false))
                .hasMessageContaining("config must be true or false");
        assertThatThrownBy(() -> KubernetesClusterOptions.parseAll(List.of("kubeconfig=" + kc + ",cluster=a", "kubeconfig=" + kc + ",cluster=a"), false))
                .hasMessageContaining("cluster id \"a\" is given to two clusters");
    }

    @Test
    void aKubeconfigThatDoesNotParseOrNamesNoServerIsRefused(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "clusters: [this is: {not yaml\n");
        assertThatThrownBy(() -> ClusterClients.config(KubernetesClusterOptions.parse("kubeconfig=" + garbage + ",cluster=a", false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubeconfig " + garbage).hasMessageContaining("cannot be read as a kubeconfig");
        Path notOne = dir.resolve("not-one");
        Files.writeString(notOne, "hello: world\n");
        assertThatThrownBy(() -> ClusterClients.config(KubernetesClusterOptions.parse("kubeconfig=" + notOne + ",cluster=a", false)))
                .hasMessageContaining("has no clusters");
    }
}

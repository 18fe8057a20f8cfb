package io.strait.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A push names its repository in several URL forms; each must match a source configured with any other. */
class RepositoryUrlTest {
    @Test
    void everyFormOfOneRepositoryIsTheSame() {
        List<String> forms = List.of("https://github.com/Acme/mesh-config", "https://github.com/acme/mesh-config.git",
                "https://token:x-oauth@github.com/acme/mesh-config.git/", "ssh://git@github.com/acme/mesh-config.git",
                "ssh://git@github.com:22/acme/mesh-config.git", "git@github.com:acme/mesh-config.git", "github.com:acme/mesh-config");
        for (String a : forms) {
            for (String b : forms) {
                assertThat(RepositoryUrl.same(a, b)).as(a + " vs " + b).isTrue();
            }
        }
        assertThat(RepositoryUrl.parse(forms.get(2)).orElseThrow().toString()).isEqualTo("github.com/acme/mesh-config");
    }

    @Test
    void otherRepositoriesHostsAndNonUrlsDoNotMatch() {
        assertThat(RepositoryUrl.same("https://github.com/acme/mesh", "https://github.com/acme/mesh-config")).isFalse();
        assertThat(RepositoryUrl.same("https://gitlab.com/acme/mesh", "https://github.com/acme/mesh")).isFalse();
        assertThat(RepositoryUrl.same("https://gitlab.com/group/sub/mesh", "git@gitlab.com:group/sub/mesh.git")).isTrue();
        assertThat(RepositoryUrl.parse("not a url")).isEmpty();
        assertThat(RepositoryUrl.parse("https://github.com")).isEmpty();
        assertThat(RepositoryUrl.parse(null)).isEmpty();
        assertThat(RepositoryUrl.same(null, null)).isFalse();
    }

    @Test
    void aWatchedBranchMatchesPushesToItsBranchOnly() {
        List<String> fetched = new ArrayList<>();
        WatchedBranch main = new WatchedBranch("git@github.com:acme/mesh.git", "main", fetched::add);
        assertThat(main.matches("https://github.com/acme/mesh", "refs/heads/main")).isTrue();
        assertThat(main.matches("https://github.com/acme/mesh", "refs/heads/dev")).isFalse();
        assertThat(main.matches("https://github.com/acme/mesh", "refs/tags/main")).isFalse();
        main.fetchNow("push");
        assertThat(fetched).containsExactly("push");
    }
}

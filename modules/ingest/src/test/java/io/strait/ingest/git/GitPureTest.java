package io.strait.ingest.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The git source's pure choices: which ref, which name, which limit. */
class GitPureTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void aRefIsABranchATagOrAPinnedCommit() {
        assertThat(GitRef.parse("main").kind()).isEqualTo(GitRef.Kind.BRANCH_OR_TAG);
        assertThat(GitRef.parse("refs/heads/release").kind()).isEqualTo(GitRef.Kind.BRANCH);
        assertThat(GitRef.parse("refs/tags/v1").kind()).isEqualTo(GitRef.Kind.TAG);
        assertThat(GitRef.parse(SHA.toUpperCase())).isEqualTo(new GitRef(GitRef.Kind.COMMIT, SHA));
        assertThatThrownBy(() -> GitRef.parse(" ")).hasMessageContaining("--git-branch");
    }

    @Test
    void aPlainNameIsTheBranchFirstThenTheTagAndAMissingOneListsTheBranches() {
        Map<String, String> remote = Map.of("refs/heads/main", "a", "refs/tags/v1", "b", "refs/heads/v1", "c", "refs/heads/dev", "d");
        assertThat(GitRef.parse("v1").resolve(remote, "u")).isEqualTo(new GitRef.Resolution.Found("refs/heads/v1", "c"));
        assertThat(GitRef.parse("refs/tags/v1").resolve(remote, "u")).isEqualTo(new GitRef.Resolution.Found("refs/tags/v1", "b"));
        assertThat(GitRef.parse(SHA).resolve(remote, "u")).isEqualTo(new GitRef.Resolution.Found(null, SHA));
        var missing = (GitRef.Resolution.Missing) GitRef.parse("nope").resolve(remote, "https://h/r.git");
        assertThat(missing.message()).contains("'nope' does not exist in https://h/r.git").contains("dev, main, v1").contains("--git-branch");
        assertThat(GitRef.parse("main").matches("refs/heads/main")).isTrue();
        assertThat(GitRef.parse("main").matches("refs/heads/dev")).isFalse();
        assertThat(GitRef.parse(SHA).matches("refs/heads/main")).isFalse();
    }

    @Test
    void namesNeverCarryCredentials() {
        assertThat(GitSourceName.of("https://x-access-token:ghp_secret@github.com/acme/mesh.git", "main"))
                .isEqualTo("git:https://github.com/acme/mesh.git@main");
        assertThat(GitSourceName.redact("https://ghp_secret@github.com/acme/mesh.git")).isEqualTo("https://github.com/acme/mesh.git");
        assertThat(GitSourceName.redact("ssh://git@host:2222/r.git")).isEqualTo("ssh://git@host:2222/r.git");
        assertThat(GitSourceName.redact("ssh://git:pw@host/r.git")).isEqualTo("ssh://git@host/r.git");
        assertThat(GitSourceName.redact("file:///srv/r.git")).isEqualTo("file:///srv/r.git");
        assertThat(GitSourceName.sameRepository("https://tok@GitHub.com/acme/mesh.git", "https://github.com/acme/mesh/")).isTrue();
        assertThat(GitSourceName.sameRepository("git@github.com:acme/mesh.git", "ssh://git@github.com/acme/mesh")).isTrue();
        assertThat(GitSourceName.sameRepository("https://github.com/acme/mesh", "https://github.com/acme/other")).isFalse();
        assertThat(GitSourceName.isGitUrl("https://h/r.git")).isTrue();
        assertThat(GitSourceName.isGitUrl("git@github.com:acme/mesh.git")).isTrue();
        assertThat(GitSourceName.isGitUrl("config-sources")).isFalse();
        assertThat(GitSourceName.isGitUrl("/abs/path")).isFalse();
    }

    @Test
    void limitsNameTheFileTheCountAndTheFlag() {
        GitLimits l = new GitLimits(1024 * 1024, 10, 4 * 1024 * 1024);
        assertThat(l.files(10, "x/")).isEmpty();
        assertThat(l.files(11, "x/").orElseThrow().message()).contains("11 config files under x/").contains("--git-max-files");
        assertThat(l.fileSize("a.yaml", 2 * 1024 * 1024).orElseThrow().message()).contains("2 MiB").contains("--git-max-file-size");
        assertThat(l.fileSize("a.yaml", 2 * 1024 * 1024).orElseThrow().file()).isEqualTo("a.yaml");
        assertThat(l.totalSize("x/", 5 * 1024 * 1024).orElseThrow().message()).contains("--git-max-total-size");
        assertThatThrownBy(() -> new GitLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSignedPayloadIsTheCommitWithoutItsSignatureHeader() {
        String raw = "tree abc\nauthor A <a> 1 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nsubject\n";
        assertThat(new String(CommitSignatures.signedPayload(raw.getBytes()))).isEqualTo("tree abc\nauthor A <a> 1 +0000\n\nsubject\n");
    }
}

package io.strait.ingest.git;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one git source is read: the {@code --config URL} and the {@code --git-*} flags.
 *
 * @param url           the repository ({@code https://}, {@code http://}, {@code ssh://}, {@code file://}); credentials
 *                      belong in files, never here (any in the URL are kept out of names and logs)
 * @param ref           the branch, tag or pinned commit ({@code --git-branch}, default {@code main})
 * @param path          the folder of the repository that is the config ({@code --git-path}), "" for the root
 * @param poll          how often the remote is asked for its head ({@code --git-poll}, default 60 s)
 * @param depth         fetch depth ({@code --git-depth}); 0 for the whole history
 * @param user          the HTTP user name ({@code --git-user}); null for {@code x-access-token} with a token
 * @param tokenFile     a file holding the HTTP password or token ({@code --git-token-file}), re-read on every fetch; or null
 * @param sshKey        the SSH private key ({@code --git-ssh-key}), or null
 * @param knownHosts    the known_hosts file SSH servers are checked against ({@code --git-known-hosts}); required for SSH
 * @param verifyKeyring OpenPGP public keys a head commit must be signed by ({@code --git-verify-keyring}), or null
 * @param limits        size limits of a commit
 * @param meshConfig    a MeshConfig file read instead of the source root's {@code mesh.yaml} ({@code --mesh-config}), or null
 */
public record GitSourceOptions(String url, String ref, String path, Duration poll, int depth, String user, Path tokenFile,
                               Path sshKey, Path knownHosts, Path verifyKeyring, GitLimits limits, Path meshConfig) {
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(60);

    public GitSourceOptions {
        ref = ref == null || ref.isBlank() ? "main" : ref.trim();
        path = path == null ? "" : trimSlashes(path.trim());
        poll = poll == null ? DEFAULT_POLL : poll;
        limits = limits == null ? GitLimits.DEFAULTS : limits;
        if (depth < 0) {
            throw new IllegalArgumentException("--git-depth " + depth + " must be 0 (whole history) or more");
        }
        GitRef.parse(ref); // fails early on an empty ref
    }

    /** A source of the root of {@code url} at {@code ref}, polled every minute, no credentials, default limits. */
    public static GitSourceOptions of(String url, String ref) {
        return new GitSourceOptions(url, ref, "", DEFAULT_POLL, 0, null, null, null, null, null, GitLimits.DEFAULTS, null);
    }

    public GitSourceOptions withPath(String p) {
        return new GitSourceOptions(url, ref, p, poll, depth, user, tokenFile, sshKey, knownHosts, verifyKeyring, limits, meshConfig);
    }

    public GitSourceOptions withPoll(Duration p) {
        return new GitSourceOptions(url, ref, path, p, depth, user, tokenFile, sshKey, knownHosts, verifyKeyring, limits, meshConfig);
    }

    public GitSourceOptions withDepth(int d) {
        return new GitSourceOptions(url, ref, path, poll, d, user, tokenFile, sshKey, knownHosts, verifyKeyring, limits, meshConfig);
    }

    public GitSourceOptions withToken(String u, Path file) {
        return new GitSourceOptions(url, ref, path, poll, depth, u, file, sshKey, knownHosts, verifyKeyring, limits, meshConfig);
    }

    public GitSourceOptions withSsh(Path key, Path hosts) {
        return new GitSourceOptions(url, ref, path, poll, depth, user, tokenFile, key, hosts, verifyKeyring, limits, meshConfig);
    }

    public GitSourceOptions withVerifyKeyring(Path keyring) {
        return new GitSourceOptions(url, ref, path, poll, depth, user, tokenFile, sshKey, knownHosts, keyring, limits, meshConfig);
    }

    public GitSourceOptions withLimits(GitLimits l) {
        return new GitSourceOptions(url, ref, path, poll, depth, user, tokenFile, sshKey, knownHosts, verifyKeyring, l, meshConfig);
    }

    public GitSourceOptions withMeshConfig(Path file) {
        return new GitSourceOptions(url, ref, path, poll, depth, user, tokenFile, sshKey, knownHosts, verifyKeyring, limits, file);
    }

    /** The source name: {@code git:<url without credentials>@<ref>}, plus {@code :<path>} when a subfolder is read. */
    public String sourceName() {
        return GitSourceName.of(url, ref) + (path.isEmpty() ? "" : ":" + path);
    }

    private static String trimSlashes(String p) {
        String out = p;
        while (out.startsWith("/")) {
            out = out.substring(1);
        }
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }
}

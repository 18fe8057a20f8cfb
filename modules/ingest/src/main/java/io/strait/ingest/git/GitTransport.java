package io.strait.ingest.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How the git source authenticates: HTTP(S) basic auth with a token read from {@code --git-token-file} on every fetch
 * (so a rotated token is picked up), SSH with {@code --git-ssh-key} and a strict {@code --git-known-hosts}. Nothing of
 * the user's own {@code ~/.ssh} or {@code ~/.gitconfig} is read: a control plane trusts what it was configured with.
 */
final class GitTransport implements AutoCloseable {
    /** The user name GitHub, GitLab and Gitea accept with a token as the password. */
    static final String TOKEN_USER = "x-access-token";
    private static final int TIMEOUT_SECONDS = 30;

    private final GitSourceOptions options;
    private final StrictKnownHosts knownHosts;
    private final SshdSessionFactory ssh;

    GitTransport(GitSourceOptions options, Path sshHome) {
        this.options = options;
        boolean sshUrl = options.url().regionMatches(true, 0, "ssh://", 0, 6) || !options.url().contains("://");
        if (sshUrl && options.knownHosts() == null) {
            throw new IllegalArgumentException("git source " + GitSourceName.redact(options.url())
                    + " is SSH: give --git-known-hosts FILE with the server's host key (unknown hosts are refused)");
        }
        this.knownHosts = options.knownHosts() == null ? null : new StrictKnownHosts(options.knownHosts());
        this.ssh = knownHosts == null ? null : new SshdSessionFactoryBuilder()
                .setHomeDirectory(sshHome.toFile())
                .setSshDirectory(sshHome.toFile())
                .setConfigStoreFactory((home, config, user) -> null)
                .setDefaultIdentities(dir -> options.sshKey() == null ? List.of() : List.of(options.sshKey()))
                .setServerKeyDatabase((home, dir) -> knownHosts)
                .setPreferredAuthentications("publickey")
                .build(null);
    }

    /** Puts credentials, the SSH session factory and a timeout on a fetch or ls-remote. */
    <C extends TransportCommand<C, ?>> C configure(C command) throws IOException {
        command.setTimeout(TIMEOUT_SECONDS);
        if (options.tokenFile() != null) {
            command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                    options.user() != null ? options.user() : TOKEN_USER, token()));
        }
        if (ssh != null) {
            command.setTransportConfigCallback(t -> {
                if (t instanceof SshTransport s) {
                    s.setSshSessionFactory(ssh);
                }
            });
        }
        return command;
    }

    /** Why the last SSH connection refused the server's host key, or null. */
    String hostKeyRefusal() {
        return knownHosts == null ? null : knownHosts.takeRefusal();
    }

    /** The token, so that messages can be scrubbed of it (never to be logged). */
    String tokenForScrubbing() {
        try {
            return options.tokenFile() == null ? null : token();
        } catch (IOException e) {
            return null;
        }
    }

    private String token() throws IOException {
        try {
            return Files.readString(options.tokenFile()).trim();
        } catch (IOException e) {
            throw new IOException("cannot read --git-token-file " + options.tokenFile() + ": " + e.getMessage()
                    + " (it should hold the token or password, nothing else)", e);
        }
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }

}

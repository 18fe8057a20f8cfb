package io.strait.ingest.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real SSH git server for tests: Apache MINA sshd with public-key auth, running JGit's {@link UploadPack} for
 * {@code git-upload-pack '<path>'}. Writes the client's key pair and a known_hosts line for its host key.
 */
final class SshGitServer implements AutoCloseable {
    private final SshServer sshd;
    final KeyPair hostKey;
    final KeyPair clientKey;
    private final Path repo;

    SshGitServer(Path bareRepo) throws Exception {
        this.repo = bareRepo;
        this.hostKey = rsa();
        this.clientKey = rsa();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        sshd.setCommandFactory((channel, command) -> new UploadCommand(command));
        sshd.start();
    }

    String url() {
        return "ssh://git@127.0.0.1:" + sshd.getPort() + "/repo.git";
    }

    /** Writes the client's private key (OpenSSH format) to {@code file}. */
    Path writeClientKey(Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "test", null, out);
        }
        return file;
    }

    /** Writes a known_hosts file that lists {@code key} as this server's host key. */
    Path writeKnownHosts(Path file, PublicKey key) throws IOException {
        Files.writeString(file, "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(key) + "\n");
        return file;
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private final class UploadCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                int code = 0;
                try {
                    if (!List.of("git-upload-pack '/repo.git'", "git-upload-pack 'repo.git'").contains(command)) {
                        err.write(("unknown command " + command + "\n").getBytes());
                        err.flush();
                        code = 1;
                    } else {
                        try (Repository r = new FileRepositoryBuilder().setGitDir(repo.toFile()).setMustExist(true).build()) {
                            new UploadPack(r).upload(in, out, err);
                        }
                    }
                    out.flush();
                } catch (IOException e) {
                    code = 1;
                }
                exit.onExit(code);
            }, "test-ssh-upload-pack");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}

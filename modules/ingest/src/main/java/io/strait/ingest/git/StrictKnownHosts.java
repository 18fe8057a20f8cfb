package io.strait.ingest.git;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * The SSH host-key check of the git source: a server is accepted only when the {@code --git-known-hosts} file lists
 * its key. Unlike an interactive ssh client nothing is ever asked or learned — an unknown or changed key is refused,
 * and the refusal is remembered so that the status can name the host and the file.
 */
final class StrictKnownHosts implements ServerKeyDatabase {
    private final Path file;
    private volatile String refusal;

    StrictKnownHosts(Path file) {
        this.file = file;
    }

    /** Why the last connection's host key was refused, or null; cleared by reading it. */
    String takeRefusal() {
        String r = refusal;
        refusal = null;
        return r;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        List<PublicKey> keys = new ArrayList<>();
        String host = host(connectAddress);
        int port = remoteAddress.getPort();
        try {
            for (KnownHostEntry entry : KnownHostEntry.readKnownHostEntries(file)) {
                if ("revoked".equals(entry.getMarker()) || entry.getKeyEntry() == null) {
                    continue;
                }
                boolean match = entry.isHostMatch(host, port)
                        || remoteAddress.getAddress() != null && entry.isHostMatch(remoteAddress.getAddress().getHostAddress(), port);
                if (match) {
                    keys.add(entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            refusal = "cannot read --git-known-hosts " + file + ": " + e.getMessage();
        }
        keys.removeIf(java.util.Objects::isNull);
        return keys;
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey, Configuration config,
                          CredentialsProvider provider) {
        List<PublicKey> known = lookup(connectAddress, remoteAddress, config);
        for (PublicKey k : known) {
            if (Arrays.equals(k.getEncoded(), serverKey.getEncoded())) {
                return true;
            }
        }
        String host = host(connectAddress) + (remoteAddress.getPort() == 22 ? "" : ":" + remoteAddress.getPort());
        String fingerprint = KeyUtils.getFingerPrint(serverKey);
        refusal = known.isEmpty()
                ? "host key of " + host + " (" + fingerprint + ") is not in --git-known-hosts " + file
                        + ": unknown hosts are refused; add the server's key (ssh-keyscan -p PORT HOST >> " + file + ") after checking it"
                : "host key of " + host + " CHANGED (now " + fingerprint + ", not the one in --git-known-hosts " + file
                        + "): refused; if the server's key was rotated on purpose, replace its line in that file";
        return false;
    }

    /** {@code [host]:port} or {@code host} → host. */
    private static String host(String connectAddress) {
        if (connectAddress.startsWith("[")) {
            int close = connectAddress.indexOf(']');
            return close > 0 ? connectAddress.substring(1, close) : connectAddress;
        }
        int colon = connectAddress.lastIndexOf(':');
        return colon > 0 && connectAddress.indexOf(':') == colon ? connectAddress.substring(0, colon) : connectAddress;
    }
}

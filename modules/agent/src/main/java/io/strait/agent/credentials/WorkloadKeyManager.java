package io.strait.agent.credentials;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the workload's certificate whenever a server asks for one, whatever CA list the server sends. The JDK's
 * own key managers choose a client certificate by that list, and a server may send a stale one (a list read once,
 * before a root rotation), which would leave a workload holding a certificate from the new root presenting nothing
 * and being refused as anonymous. Whether the server accepts the chain is the server's check to make.
 */
final class WorkloadKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "workload";
    private final WorkloadCredentials credentials;

    WorkloadKeyManager(WorkloadCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[0]; // a client identity only
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? credentials.chain().toArray(X509Certificate[]::new) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? credentials.key() : null;
    }

    @Override
    public String toString() {
        return "WorkloadKeyManager[" + credentials.leaf().getSubjectX500Principal() + "]"; // never the key
    }
}

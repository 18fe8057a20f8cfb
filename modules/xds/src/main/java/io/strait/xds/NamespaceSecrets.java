package io.strait.xds;

import com.google.protobuf.Any;
import io.strait.bus.wire.ContentHash;
import io.strait.xds.ads.AdsEngine;
import io.strait.xds.ads.SecretAccess;
import io.strait.xds.ads.ServedResource;
import io.strait.xds.ads.TypeView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code credentialName} secrets a front serves over SDS (ADS type {@code Secret}), read from the secret directory
 * ({@link SecretDirectory}) every few seconds, and never from the bus. They are served per stream from one view
 * per <em>namespace</em> ({@link AdsEngine#secretsChanged}), never from the scope views: secrets change on their own schedule (a rotated
 * certificate must not re-version a scope's listeners), a namespace's secrets are shared by all of its scopes, and
 * keeping private keys out of the scope views means no code path that serves scopes can hand one out.
 *
 * <p>Who gets what, failing closed: a stream gets secrets only on the secure port (a plaintext node could claim any
 * namespace), only after {@link NodeAuthorization} accepted it, only from the namespace its certificate proved, and
 * only by name (a wildcard request is never answered). A name that the namespace does not hold — another namespace's
 * {@code kubernetes://other/x}, say — is simply not there to be sent.
 */
final class NamespaceSecrets implements SecretAccess, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceSecrets.class);

    private final Path root;
    private final BiConsumer<String, TypeView> publish;
    private final Map<String, String> versions = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final Set<String> plaintextWarned = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService poller;

    /**
     * @param root    the secret directory ({@code --secret-dir}), or null: no secret is served to anyone
     * @param publish where each namespace's secrets go when they change (an empty view when it has none any more)
     */
    NamespaceSecrets(Path root, BiConsumer<String, TypeView> publish) {
        this.root = root;
        this.publish = publish;
    }

    /** Reads the directory now, then every {@code every}. */
    NamespaceSecrets start(Duration every) {
        if (root == null) {
            return this;
        }
        refresh();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-xds-secrets");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(200, every.toMillis());
        poller.scheduleWithFixedDelay(this::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("serving credentialName secrets from {} to authenticated gateways and sidecars of each secret's namespace", root);
        return this;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.error("reading the secret directory {} failed; keeping the secrets served: {}", root, e.getMessage());
        }
    }

    /** Re-reads the directory: a namespace whose secrets changed gets a new view, a vanished one an empty one. */
    synchronized void refresh() {
        SecretDirectory.Contents read = SecretDirectory.read(root);
        for (String problem : read.problems()) {
            if (reported.add(problem)) {
                LOG.error("not serving a credentialName secret: {}", problem);
            }
        }
        reported.retainAll(read.problems()); // a problem that comes back after a fix is reported again
        Set<String> gone = new HashSet<>(versions.keySet());
        gone.removeAll(read.byNamespace().keySet());
        for (String namespace : gone) {
            versions.remove(namespace);
            publish.accept(namespace, new TypeView(AdsEngine.SECRET_TYPE_URL, "none", List.of()));
        }
        read.byNamespace().forEach((namespace, secrets) -> {
            Map<String, String> hashes = new java.util.TreeMap<>();
            secrets.forEach((name, secret) -> hashes.put(name, ContentHash.of(secret.toByteArray()).substring(0, 16)));
            // a pure function of the content, so every front serves the same version
            String version = ContentHash.ofStrings(hashes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .substring(0, 16);
            if (!version.equals(versions.put(namespace, version))) {
                List<ServedResource> served = new ArrayList<>();
                secrets.forEach((name, secret) -> served.add(new ServedResource(name, hashes.get(name), Any.pack(secret))));
                publish.accept(namespace, new TypeView(AdsEngine.SECRET_TYPE_URL, version, served));
                LOG.info("credentialName secrets of namespace {}: {}", namespace, secrets.keySet()); // names only, never keys
            }
        });
    }

    /**
     * Only an authenticated caller (its identity already matched to the node when its stream opened) asking by name;
     * asked on the request's gRPC thread, where the caller is in the call's context.
     */
    @Override
    public boolean allowed(String nodeId, Collection<String> names) {
        return mayHaveSecrets(nodeId, List.copyOf(names));
    }

    private boolean mayHaveSecrets(String nodeId, List<String> names) {
        SecureCaller caller = SecureCaller.current();
        if (caller == null || !caller.presentedCertificate()) {
            if (plaintextWarned.size() < 10_000 && plaintextWarned.add(nodeId)) {
                LOG.warn("not serving secrets {} to {}: secrets (private keys) are served only on the secure port to an "
                        + "authenticated proxy, and this stream is plaintext", names, nodeId);
            }
            return false;
        }
        return root != null && !names.isEmpty();
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}

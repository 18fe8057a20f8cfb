package io.strait.xds;

import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.strait.bus.wire.ContentHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code credentialName} secrets a front serves over SDS (ADS type {@code Secret}), read from the secret directory
 * ({@link SecretDirectory}) every few seconds, and never from the bus. They live in a cache of their own, one snapshot
 * per <em>namespace</em>, rather than in the scope snapshots: secrets change on their own schedule (a rotated
 * certificate must not re-version a scope's listeners), a namespace's secrets are shared by all of its scopes, and
 * keeping private keys out of the scope snapshots means no code path that serves scopes can hand one out.
 *
 * <p>Who gets what, failing closed: a stream gets secrets only on the secure port (a plaintext node could claim any
 * namespace), only after {@link NodeAuthorization} accepted it, only from the namespace its certificate proved, and
 * only by name (a wildcard request is never answered). A name that the namespace does not hold — another namespace's
 * {@code kubernetes://other/x}, say — is simply not there to be sent.
 */
final class NamespaceSecrets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceSecrets.class);

    private final Path root;
    private final ScopeCache cache;
    private final Map<String, String> versions = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final Set<String> plaintextWarned = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService poller;

    /** @param root the secret directory ({@code --secret-dir}), or null: no secret is served to anyone */
    NamespaceSecrets(Path root) {
        this.root = root;
        NodeGroup<String> byNamespace = node -> {
            try {
                return NodeIdentities.of(node).namespace();
            } catch (IllegalArgumentException e) {
                return "invalid"; // such a stream is refused before it can watch anything
            }
        };
        this.cache = new ScopeCache(byNamespace);
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

    /** Re-reads the directory: a namespace whose secrets changed gets a new snapshot, a vanished one an empty one. */
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
            cache.setSnapshot(namespace, Snapshot.createEmpty("none"));
        }
        read.byNamespace().forEach((namespace, secrets) -> {
            Map<String, String> hashes = new java.util.TreeMap<>();
            secrets.forEach((name, secret) -> hashes.put(name, ContentHash.of(secret.toByteArray()).substring(0, 16)));
            // a pure function of the content, so every front serves the same version
            String version = ContentHash.ofStrings(hashes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .substring(0, 16);
            if (!version.equals(versions.put(namespace, version))) {
                Snapshot plain = Snapshot.create(List.of(), List.of(), List.of(), List.of(), secrets.values(), version);
                cache.setSnapshot(namespace, new ScopeSnapshot(plain, Map.of(Resources.ResourceType.SECRET, hashes)));
                LOG.info("credentialName secrets of namespace {}: {}", namespace, secrets.keySet()); // names only, never keys
            }
        });
    }

    /** A state-of-the-world Secret watch: answered from the caller's namespace, or never (see the class comment). */
    Watch createWatch(boolean ads, XdsRequest request, Set<String> known, Consumer<Response> consumer, boolean hasClusterChanged,
                      boolean allowDefaultEmptyEdsUpdate) {
        if (!mayHaveSecrets(request.v3Request().getNode().getId(), request.getResourceNamesList())) {
            return new Watch(ads, allowDefaultEmptyEdsUpdate, request, consumer); // held open, never answered
        }
        String namespace = NodeIdentities.of(request.v3Request().getNode()).namespace();
        Snapshot snapshot = cache.getSnapshot(namespace);
        Set<String> held = snapshot == null ? Set.of() : snapshot.resources(Resources.ResourceType.SECRET).keySet();
        List<String> existing = request.getResourceNamesList().stream().filter(held::contains).toList();
        if (existing.isEmpty()) {
            return new Watch(ads, allowDefaultEmptyEdsUpdate, request, consumer); // none of them exists here (yet)
        }
        // ask the cache only for names that exist: over ADS it answers nothing while any asked-for name is missing,
        // and a gateway naming one absent secret would otherwise get none of its others
        XdsRequest effective = existing.size() == request.getResourceNamesList().size() ? request
                : XdsRequest.create(request.v3Request().toBuilder().clearResourceNames().addAllResourceNames(existing).build());
        return cache.createWatch(ads, effective, known, consumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    /** A delta Secret watch: the same rules; a wildcard subscription gets nothing. */
    DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
                                Set<String> pending, boolean isWildcard, Consumer<DeltaResponse> consumer, boolean hasClusterChanged) {
        List<String> names = request.v3Request().getResourceNamesSubscribeList();
        if (isWildcard || !mayHaveSecrets(request.v3Request().getNode().getId(), names.isEmpty() ? List.copyOf(pending) : names)) {
            return new DeltaWatch(request, resourceVersions, pending, requesterVersion, isWildcard, consumer);
        }
        return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pending, false, consumer, hasClusterChanged);
    }

    /** Only an authenticated caller (its identity already matched to the node by ProxyTracker) asking by name. */
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

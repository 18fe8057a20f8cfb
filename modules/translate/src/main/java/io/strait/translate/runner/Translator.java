package io.strait.translate.runner;

import com.google.protobuf.Message;
import io.strait.bus.envelope.ScopeCoverage;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.ContentHash;
import io.strait.translate.xds.EnvoyConstraints;
import io.strait.translate.xds.ResourceCodec;
import io.strait.translate.xds.XdsResources;
import io.strait.translate.xds.XdsType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The translate role (Istio's Pilot): keeps the latest model and the scopes it owns, and for every change
 * recomputes the scopes it touches and publishes what is new. All state is confined to one worker thread, fed by
 * the config follower and the scope ownership loops.
 */
public final class Translator implements ScopeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Translator.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");
    private static final long RETRY_SECONDS = 1;

    private final ScheduledThreadPoolExecutor worker = worker();
    private final ScopeTranslator translator = new ScopeTranslator();
    /** This process's key for its coverage record. */
    private final String id = "translator-" + java.util.UUID.randomUUID();
    private final BusConfig bus;
    private ScopePublisher publisher;
    private boolean retryScheduled;
    private final ModelFollower follower;
    private final ScopeOwnership ownership;
    private final Map<String, ProxyIdentity> scopes = new HashMap<>();
    private final Map<String, ScopeManifest> published = new HashMap<>();
    private final PublishedHashes publishedHashes = new PublishedHashes();
    private MeshModel model;
    private Map<String, String> revisions = Map.of();
    private long revisionAt;

    /** The one thread all translation state is confined to; a retry still pending at shutdown is dropped. */
    private static ScheduledThreadPoolExecutor worker() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "strait-translate");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    public Translator(BusConfig bus) {
        this.bus = bus;
        this.publisher = new ScopePublisher(bus);
        this.follower = new ModelFollower(bus, m -> worker.execute(() -> onModel(m)));
        this.ownership = new ScopeOwnership(bus, this);
    }

    public Translator start() {
        follower.start();
        ownership.start();
        return this;
    }

    @Override
    public void scopeUp(String scope, ProxyIdentity identity) {
        worker.execute(() -> {
            if (scopes.putIfAbsent(scope, identity) == null && model != null) {
                publish(List.of(scope));
            }
        });
    }

    @Override
    public void scopeDown(String scope) {
        worker.execute(() -> {
            scopes.remove(scope);
            published.remove(scope); // its hashes are forgotten at the next publish, not once per departing scope
        });
    }

    private void onModel(ModelFollower.ModelRevision next) {
        model = next.model();
        revisions = next.revisions();
        revisionAt = next.publishedAt();
        long start = System.nanoTime();
        int changed = publish(new ArrayList<>(scopes.keySet()));
        if (!scopes.isEmpty()) {
            EVENTS.info("translated revision {} for {} scope{} ({} changed) in {} ms", revisions.values(), scopes.size(),
                    scopes.size() == 1 ? "" : "s", changed, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Recomputes the scopes and publishes, in one transaction, every new resource and changed manifest. */
    private int publish(List<String> scopeIds) {
        Map<String, byte[]> newResources = new LinkedHashMap<>();
        List<ScopeManifest> manifests = new ArrayList<>();
        // scopes with the same translation inputs share one computation (and one constraints check) per revision;
        // the distinct inputs are translated in parallel (translation is a pure function of immutable values)
        Map<String, ScopeTranslator.Inputs> inputsOf = new LinkedHashMap<>();
        Map<ScopeTranslator.Inputs, ProxyIdentity> representative = new LinkedHashMap<>();
        for (String scope : scopeIds) {
            ProxyIdentity identity = scopes.get(scope);
            if (identity == null) {
                continue;
            }
            ScopeTranslator.Inputs inputs = ScopeTranslator.inputsOf(model, identity);
            inputsOf.put(scope, inputs);
            representative.putIfAbsent(inputs, identity);
        }
        MeshModel current = model;
        Map<ScopeTranslator.Inputs, Object> translated = new java.util.concurrent.ConcurrentHashMap<>();
        representative.entrySet().parallelStream().forEach(e -> {
            try {
                translated.put(e.getKey(), translator.translate(current, e.getValue()));
            } catch (RuntimeException failure) {
                translated.put(e.getKey(), failure);
            }
        });
        Map<ScopeTranslator.Inputs, Map<String, List<ScopeManifest.NamedHash>>> computed = new HashMap<>();
        for (Map.Entry<String, ScopeTranslator.Inputs> entry : inputsOf.entrySet()) {
            String scope = entry.getKey();
            try {
                Object result = translated.get(entry.getValue());
                if (result instanceof RuntimeException failure) {
                    throw failure;
                }
                Map<String, List<ScopeManifest.NamedHash>> byType = computed.get(entry.getValue());
                if (byType == null) {
                    byType = hashes((XdsResources) result, newResources);
                    computed.put(entry.getValue(), byType);
                }
                ScopeManifest manifest = manifest(scope, byType);
                ScopeManifest before = published.get(scope);
                // a scope the revision did not change keeps its manifest: the coverage record says it is current
                if (before == null || !before.resources().equals(manifest.resources())) {
                    manifests.add(manifest);
                }
            } catch (RuntimeException e) {
                LOG.error("translating scope {} failed; it keeps its previous config", scope, e);
                EVENTS.error("translating scope {} failed ({}); it keeps its previous config", scope, e.toString());
            }
        }
        try {
            if (publisher == null) {
                publisher = new ScopePublisher(bus); // after a failure: a fresh transactional producer
            }
            publisher.publish(newResources, manifests, coverage(manifests));
            publishedHashes.published(newResources.keySet());
            manifests.forEach(m -> published.put(m.scope(), m));
            publishedHashes.retainNamedBy(published.values());
        } catch (KafkaException e) {
            LOG.error("publishing {} manifests failed; retrying in {} s", manifests.size(), RETRY_SECONDS, e);
            EVENTS.error("publishing the config of {} scopes failed ({}); retrying in {} s", manifests.size(), e.getMessage(), RETRY_SECONDS);
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
            // nothing else may trigger a recomputation soon: try again by ourselves
            if (!retryScheduled) {
                retryScheduled = true;
                worker.schedule(() -> {
                    retryScheduled = false;
                    if (model != null) {
                        publish(new ArrayList<>(scopes.keySet()));
                    }
                }, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
        return manifests.size();
    }

    /** The resources by type as named content hashes, collecting the ones the bus does not have yet. */
    private Map<String, List<ScopeManifest.NamedHash>> hashes(XdsResources resources, Map<String, byte[]> newResources) {
        Map<String, List<ScopeManifest.NamedHash>> byType = new TreeMap<>();
        for (Map.Entry<XdsType, Map<String, Message>> type : resources.byType().entrySet()) {
            List<ScopeManifest.NamedHash> entries = new ArrayList<>();
            for (Map.Entry<String, Message> r : type.getValue().entrySet()) {
                byte[] bytes = ContentHash.serialize(r.getValue());
                String hash = ContentHash.of(bytes);
                // a hash already published (or already checked in this batch) passed the check: same bytes, same verdict
                if (!publishedHashes.contains(hash) && !newResources.containsKey(hash)) {
                    List<String> violations = EnvoyConstraints.violations(r.getValue());
                    if (!violations.isEmpty()) {
                        throw new IllegalStateException("translator bug: " + type.getKey() + " " + r.getKey()
                                + " breaks Envoy's constraints, so it is not sent: " + violations);
                    }
                    newResources.put(hash, ResourceCodec.encode(bytes));
                }
                entries.add(new ScopeManifest.NamedHash(r.getKey(), hash));
            }
            byType.put(type.getKey().typeUrl(), entries);
        }
        return byType;
    }

    /** Every owned scope with the revisions of the manifest it is served from, once {@code changed} are published. */
    private ScopeCoverage coverage(List<ScopeManifest> changed) {
        Map<String, Map<String, String>> current = new TreeMap<>();
        published.forEach((scope, m) -> {
            if (scopes.containsKey(scope)) {
                current.put(scope, m.revisions());
            }
        });
        changed.forEach(m -> current.put(m.scope(), m.revisions()));
        return new ScopeCoverage(1, id, revisions, current, System.currentTimeMillis());
    }

    private ScopeManifest manifest(String scope, Map<String, List<ScopeManifest.NamedHash>> byType) {
        ScopeManifest before = published.get(scope);
        long generation = Math.max(System.currentTimeMillis(), before == null ? 0 : before.generation() + 1);
        return new ScopeManifest(1, scope, generation, revisions, byType, System.currentTimeMillis(), revisionAt);
    }

    @Override
    public void close() {
        ownership.close();
        follower.close();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}

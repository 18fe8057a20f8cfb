package io.strait.ca.role;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value RootCertConfigMaps#NAME} ConfigMaps of one cluster: informers on its Namespaces and on the ConfigMaps of
 * that name (a field selector, as istiod's), and one worker thread that writes what {@link RootCertConfigMaps#plan}
 * says. Informer callbacks only mark namespaces dirty; a short debounce later the worker reconciles them from the
 * informers' caches, so a new namespace gets the ConfigMap and an edited or deleted one is put back. A periodic full
 * pass repairs whatever a failed write or a missed event left behind (istiod retries five times and then waits for the
 * next event; this keeps trying).
 *
 * <p>Problems are logged once per change of state, naming the cluster, and on a 403 the permission the CA's account
 * lacks. Nothing here throws out of the worker: an unreachable API server leaves the informers retrying.
 */
final class ClusterRootCerts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RootCertPublisher.class);
    /** Marks "every namespace" in {@link #dirty}; no namespace can be named so. */
    private static final String ALL = "*";
    private static final String OK = "ok";

    private final String clusterId;
    private final Config config;
    private final RootCertPublisher.Timing timing;
    private final ScheduledExecutorService worker;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    /** When each namespace was last written (worker thread only), for {@link RootCertPublisher.Timing#rewriteEvery}. */
    private final java.util.Map<String, Long> lastWrite = new java.util.HashMap<>();
    private volatile String rootsPem;
    private volatile String informerProblem = "";
    // set on the worker, read by close()
    private volatile KubernetesClient client;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<ConfigMap> configMaps;
    /** The last state logged (worker thread only): {@link #OK}, or the problem's text without a namespace in it. */
    private String state = "";

    ClusterRootCerts(String clusterId, Config config, String rootsPem, RootCertPublisher.Timing timing) {
        this.clusterId = clusterId;
        this.config = config;
        this.rootsPem = rootsPem;
        this.timing = timing;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-ca-rootcert-" + clusterId);
            t.setDaemon(true);
            return t;
        });
    }

    String clusterId() {
        return clusterId;
    }

    /** Starts the informers in the background; returns at once whether or not the API server answers. */
    ClusterRootCerts start() {
        worker.execute(this::connect);
        long resync = Math.max(1, timing.resync().toMillis());
        worker.scheduleWithFixedDelay(() -> markDirty(ALL), resync, resync, TimeUnit.MILLISECONDS);
        return this;
    }

    /** New roots: every namespace is rewritten. */
    void update(String pem) {
        rootsPem = pem;
        markDirty(ALL);
    }

    private void connect() {
        try {
            client = new KubernetesClientBuilder().withConfig(config).build();
            namespaces = informer(client.namespaces().runnableInformer(0), "namespaces", n -> n.getMetadata().getName());
            configMaps = informer(client.configMaps().inAnyNamespace().withField("metadata.name", RootCertConfigMaps.NAME)
                    .runnableInformer(0), "configmaps", c -> c.getMetadata().getNamespace());
            namespaces.start().whenComplete((ok, failed) -> markDirty(ALL));
            configMaps.start().whenComplete((ok, failed) -> markDirty(ALL));
        } catch (RuntimeException e) {
            report("cannot watch the cluster's API server: " + oneLine(e), null);
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(SharedIndexInformer<T> informer, String resource,
                                                                    Function<T, String> namespaceOf) {
        informer.exceptionHandler((started, t) -> {
            // unreachable is one state for both informers (so it is logged once); a refusal names what is refused
            informerProblem = t instanceof KubernetesClientException k && k.getCode() > 0
                    ? "cannot list and watch " + resource + ": " + describe(t, "list and watch on " + resource)
                    : "cannot list and watch namespaces and configmaps: " + describe(t, null);
            String problem = informerProblem;
            try {
                worker.execute(() -> report(problem, null));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
            return true; // keep retrying: the API server may come back, the RBAC may be fixed
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                markDirty(namespaceOf.apply(obj));
            }

            @Override
            public void onUpdate(T before, T after) {
                markDirty(namespaceOf.apply(after));
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                markDirty(namespaceOf.apply(obj));
            }
        });
        return informer;
    }

    /** Any thread: the namespace (or {@link #ALL}) needs a look; the worker gets to it after the debounce. */
    private void markDirty(String namespace) {
        if (namespace == null) {
            return;
        }
        dirty.add(namespace);
        if (flushQueued.compareAndSet(false, true)) {
            try {
                worker.schedule(this::flush, timing.debounce().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed
            }
        }
    }

    /** Marks {@code namespace} dirty after {@code nanos}. */
    private void later(String namespace, long nanos) {
        try {
            worker.schedule(() -> markDirty(namespace), nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Worker thread: reconciles the dirty namespaces from the informers' caches. */
    private void flush() {
        flushQueued.set(false);
        if (namespaces == null || configMaps == null || !namespaces.hasSynced() || !configMaps.hasSynced()) {
            return; // the start's completion marks everything dirty again
        }
        List<String> names = new ArrayList<>(dirty);
        dirty.removeAll(names);
        List<RootCertConfigMaps.Namespace> todo = new ArrayList<>();
        if (names.contains(ALL)) {
            namespaces.getStore().list().forEach(n -> todo.add(namespace(n)));
        } else {
            for (String name : names) {
                Namespace n = namespaces.getStore().getByKey(name);
                if (n != null) {
                    todo.add(namespace(n));
                }
            }
        }
        String pem = rootsPem;
        String problem = null;
        String where = null;
        int failed = 0;
        int written = 0;
        for (RootCertConfigMaps.Namespace ns : todo) {
            ConfigMap cm = configMaps.getStore().getByKey(ns.name() + "/" + RootCertConfigMaps.NAME);
            RootCertConfigMaps.Write w = RootCertConfigMaps.plan(ns, existing(cm), pem);
            if (w == null) {
                continue;
            }
            // Another writer with other roots (a CA replica that has not reloaded yet) would undo each write at once;
            // at most one write per namespace per rewriteEvery keeps that to a trickle until the replicas agree.
            Long last = lastWrite.get(ns.name());
            long now = System.nanoTime();
            long wait = last == null ? 0 : timing.rewriteEvery().toNanos() - (now - last);
            if (wait > 0) {
                later(ns.name(), wait);
                continue;
            }
            lastWrite.put(ns.name(), now);
            String error = write(w);
            if (error == null) {
                written++;
            } else if (!error.isEmpty()) {
                failed++;
                if (problem == null) {
                    problem = error;
                    where = ns.name();
                }
            }
        }
        long now = System.nanoTime();
        lastWrite.values().removeIf(t -> now - t > timing.rewriteEvery().toNanos());
        if (written > 0) {
            LOG.info("cluster {}: wrote ConfigMap {} in {} namespace(s)", clusterId, RootCertConfigMaps.NAME, written);
        }
        if (problem != null) {
            report(problem, "namespace " + where + (failed > 1 ? " and " + (failed - 1) + " more" : ""));
        } else if (namespaces.isWatching() && configMaps.isWatching()) {
            informerProblem = "";
            report(OK, namespaces.getStore().list().size() + " namespaces");
        } else if (!informerProblem.isEmpty()) {
            report(informerProblem, null);
        }
    }

    /** Does one write; null when done, "" when nothing is wrong but nothing was written, else the problem. */
    private String write(RootCertConfigMaps.Write w) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace(w.namespace()).withName(RootCertConfigMaps.NAME)
                .withLabels(w.labels()).withResourceVersion(w.resourceVersion()).endMetadata().withData(w.data()).build();
        try {
            if (w.create()) {
                client.configMaps().inNamespace(w.namespace()).resource(cm).create();
            } else {
                client.configMaps().inNamespace(w.namespace()).resource(cm).update();
            }
            return null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // created or changed by someone since the cache saw it: the informer delivers that, and we look again
                markDirty(w.namespace());
                return "";
            }
            if (e.getCode() == 404 || terminating(e)) {
                return ""; // the namespace went away under us, as istiod ignores it
            }
            String verb = w.create() ? "create" : "update";
            return "cannot " + verb + " ConfigMap " + RootCertConfigMaps.NAME + ": " + describe(e, verb + " on configmaps");
        } catch (RuntimeException e) {
            return "cannot write ConfigMap " + RootCertConfigMaps.NAME + ": " + oneLine(e);
        }
    }

    /** Logs {@code current} when it differs from the last state logged; {@code detail} is not part of the state. */
    private void report(String current, String detail) {
        if (current.equals(state)) {
            return;
        }
        boolean recovered = !state.isEmpty() && !state.equals(OK);
        state = current;
        if (current.equals(OK)) {
            LOG.info("cluster {}: ConfigMap {} ({}) up to date in {}{}", clusterId, RootCertConfigMaps.NAME, RootCertConfigMaps.KEY,
                    detail, recovered ? " again" : "");
        } else {
            LOG.error("cluster {}: {}{}; will keep retrying", clusterId, current, detail == null ? "" : " (" + detail + ")");
        }
    }

    private String describe(Throwable t, String permission) {
        if (t instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
            return "HTTP " + k.getCode() + " from " + config.getMasterUrl() + ": the CA's account there needs " + permission
                    + " (ClusterRole rules: configmaps get/list/watch/create/update, namespaces list/watch)";
        }
        if (t instanceof KubernetesClientException k && k.getCode() > 0) {
            return "HTTP " + k.getCode() + " from " + config.getMasterUrl()
                    + (k.getStatus() != null && k.getStatus().getMessage() != null ? ": " + k.getStatus().getMessage() : "");
        }
        return "cannot reach " + config.getMasterUrl() + ": " + oneLine(t);
    }

    private static boolean terminating(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null || e.getStatus().getDetails().getCauses() == null) {
            return false;
        }
        for (StatusCause c : e.getStatus().getDetails().getCauses()) {
            if ("NamespaceTerminating".equals(c.getReason())) {
                return true;
            }
        }
        return false;
    }

    private static RootCertConfigMaps.Namespace namespace(Namespace n) {
        boolean terminating = n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase());
        return new RootCertConfigMaps.Namespace(n.getMetadata().getName(), terminating);
    }

    private static RootCertConfigMaps.Existing existing(ConfigMap cm) {
        if (cm == null) {
            return null;
        }
        return new RootCertConfigMaps.Existing(cm.getMetadata().getNamespace(), cm.getData(), cm.getMetadata().getLabels(),
                cm.getMetadata().getResourceVersion());
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        text = text.replace('\n', ' ').replace('\r', ' ');
        return text.length() > 240 ? text.substring(0, 240) + "…" : text;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS); // a write in flight is bounded by the client's timeouts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {namespaces, configMaps}) {
            if (i != null) {
                try {
                    i.stop();
                } catch (RuntimeException e) {
                    LOG.debug("stopping an informer of cluster {}: {}", clusterId, e.getMessage());
                }
            }
        }
        if (client != null) {
            client.close();
        }
    }
}

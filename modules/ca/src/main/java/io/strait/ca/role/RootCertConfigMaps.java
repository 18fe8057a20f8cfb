package io.strait.ca.role;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What Istio's namespace controller keeps in every namespace of a cluster, as plain values: the ConfigMap
 * {@value #NAME} with the mesh's trusted roots under {@value #KEY} and the label {@code istio.io/config: "true"}.
 * Given the namespaces, the ConfigMaps of that name that exist and the roots' PEM, {@link #plan} says which to create
 * and which to update; the shell ({@link RootCertPublisher}) does the writes.
 *
 * <p>As istiod does, system namespaces Istio never injects ({@link #IGNORED_NAMESPACES}; kube-system is not among
 * them, so a node agent there can mount the root) and terminating namespaces are skipped; an existing ConfigMap keeps
 * its other keys and labels, so only a changed or missing {@value #KEY} (or a removed label) is an update.
 */
public final class RootCertConfigMaps {
    /** The ConfigMap's name (istiod's {@code CACertNamespaceConfigMap}). */
    public static final String NAME = "istio-ca-root-cert";
    /** The key of the PEM roots; pods mount it as {@code /var/run/secrets/istio/root-cert.pem}. */
    public static final String KEY = "root-cert.pem";
    /** The label istiod puts on the ConfigMaps it owns. */
    public static final String LABEL = "istio.io/config";
    public static final String LABEL_VALUE = "true";
    /** Namespaces skipped, as istiod skips them (its injector's ignored namespaces less kube-system). */
    public static final Set<String> IGNORED_NAMESPACES = Set.of("kube-public", "kube-node-lease", "local-path-storage");

    private RootCertConfigMaps() {
    }

    /** A namespace as the informer has it. */
    public record Namespace(String name, boolean terminating) {
        public Namespace {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A {@value #NAME} ConfigMap as it exists in {@code namespace}.
     *
     * @param resourceVersion what an update must name, so a concurrent edit is a conflict and not lost silently
     */
    public record Existing(String namespace, Map<String, String> data, Map<String, String> labels, String resourceVersion) {
        public Existing {
            data = data == null ? Map.of() : Map.copyOf(data);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * One write: a create when {@code resourceVersion} is null, else an update of that version.
     *
     * @param data   the ConfigMap's whole data: the existing keys with {@value #KEY} set
     * @param labels the ConfigMap's whole labels: the existing ones with {@value #LABEL} set
     */
    public record Write(String namespace, Map<String, String> data, Map<String, String> labels, String resourceVersion) {
        public Write {
            data = Map.copyOf(data);
            labels = Map.copyOf(labels);
        }

        public boolean create() {
            return resourceVersion == null;
        }
    }

    /** Whether the ConfigMap belongs in {@code namespace} at all. */
    public static boolean wanted(Namespace namespace) {
        return !namespace.terminating() && !IGNORED_NAMESPACES.contains(namespace.name());
    }

    /**
     * The writes that bring {@code namespaces} to hold {@code rootsPem}, in the order of {@code namespaces}.
     *
     * @param existing the {@value #NAME} ConfigMaps there are, by namespace
     */
    public static List<Write> plan(Collection<Namespace> namespaces, Map<String, Existing> existing, String rootsPem) {
        List<Write> writes = new ArrayList<>();
        for (Namespace ns : namespaces) {
            Write w = plan(ns, existing.get(ns.name()), rootsPem);
            if (w != null) {
                writes.add(w);
            }
        }
        return writes;
    }

    /** The write one namespace needs, or null when it needs none (skipped, or already up to date). */
    public static Write plan(Namespace namespace, Existing existing, String rootsPem) {
        Objects.requireNonNull(rootsPem, "rootsPem");
        if (!wanted(namespace)) {
            return null;
        }
        if (existing == null) {
            return new Write(namespace.name(), Map.of(KEY, rootsPem), Map.of(LABEL, LABEL_VALUE), null);
        }
        if (rootsPem.equals(existing.data().get(KEY)) && LABEL_VALUE.equals(existing.labels().get(LABEL))) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>(existing.data());
        data.put(KEY, rootsPem);
        Map<String, String> labels = new LinkedHashMap<>(existing.labels());
        labels.put(LABEL, LABEL_VALUE);
        return new Write(namespace.name(), data, labels, existing.resourceVersion());
    }
}

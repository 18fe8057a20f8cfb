package io.strait.translate.pilot;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.PeerAuthentication;
import io.strait.model.mesh.MeshModel;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The inbound mTLS mode of a workload, composed from the PeerAuthentications as Istio's ComposePeerAuthentication
 * does: the mesh-wide policy (no selector, in the MeshConfig's root namespace), then its namespace's (no selector),
 * then one selecting its labels, each replacing the previous one's mode unless it is UNSET; when several policies
 * claim one level, the oldest wins ({@code creationTimestamp}, then namespace and name, so every translator picks
 * the same). Port-level modes come only from the workload's own policy, as in Istio; an UNSET port inherits the
 * workload's mode. With no policy at all the mode is PERMISSIVE, Istio's default.
 *
 * <p>Security fails closed: a mode Strait does not know reads as STRICT, never as plain text.
 */
final class PeerAuthentications {
    private PeerAuthentications() {
    }

    /** An mTLS mode as a workload's server side applies it. */
    enum Mode {
        STRICT, PERMISSIVE, DISABLE;

        /** A policy's mode; UNSET (or none) inherits and reads as empty; an unknown one as STRICT. */
        static Optional<Mode> of(String mode) {
            if (mode == null || mode.equals(PeerAuthentication.MutualTls.UNSET)) {
                return Optional.empty();
            }
            return Optional.of(switch (mode) {
                case "PERMISSIVE" -> PERMISSIVE;
                case "DISABLE" -> DISABLE;
                default -> STRICT;
            });
        }
    }

    /** A workload's composed policy: its mode, and the ports where its own policy says otherwise. */
    record Effective(Mode mode, Map<Integer, Mode> ports) {
        static final Effective DEFAULT = new Effective(Mode.PERMISSIVE, Map.of());

        Effective {
            ports = Map.copyOf(ports);
        }

        /** The mode on one workload port (the port the workload listens on, its target port). */
        Mode at(int port) {
            return ports.getOrDefault(port, mode);
        }
    }

    /** The policy in force for the workloads of {@code namespace} with {@code labels}. */
    static Effective of(MeshModel model, String namespace, Map<String, String> labels) {
        String root = model.meshConfig().rootNamespace();
        Optional<PeerAuthentication> mesh = oldest(model, r -> r.namespace().equals(root) && spec(r).namespaceWide());
        Optional<PeerAuthentication> ns = namespace.equals(root) ? Optional.empty()
                : oldest(model, r -> r.namespace().equals(namespace) && spec(r).namespaceWide());
        Optional<PeerAuthentication> workload = oldest(model, r -> r.namespace().equals(namespace)
                && !spec(r).namespaceWide() && spec(r).selector().matches(labels));
        // a mesh-wide UNSET is PERMISSIVE: there is nothing above it to inherit from
        Mode mode = mesh.flatMap(p -> Mode.of(p.modeOrUnset())).orElse(Mode.PERMISSIVE);
        mode = ns.flatMap(p -> Mode.of(p.modeOrUnset())).orElse(mode);
        mode = workload.flatMap(p -> Mode.of(p.modeOrUnset())).orElse(mode);
        Map<Integer, Mode> ports = new TreeMap<>();
        if (workload.isPresent()) {
            for (Map.Entry<String, PeerAuthentication.MutualTls> e : workload.get().portLevelMtls().entrySet()) {
                Mode portMode = e.getValue() == null ? mode : Mode.of(e.getValue().mode()).orElse(mode);
                if (e.getKey() != null && e.getKey().matches("[0-9]{1,5}")) {
                    ports.put(Integer.parseInt(e.getKey()), portMode);
                }
            }
        }
        return new Effective(mode, ports);
    }

    private static Optional<PeerAuthentication> oldest(MeshModel model, java.util.function.Predicate<IstioResource> which) {
        return model.ofKind(PeerAuthentication.class).stream().filter(which)
                .min(Comparator.comparing((IstioResource r) -> created(r)).thenComparing(IstioResource::key))
                .map(PeerAuthentications::spec);
    }

    /** The creation time as a sortable instant; a policy without one (a file) counts as older than any that has one. */
    private static java.time.Instant created(IstioResource r) {
        String ts = r.metadata().creationTimestamp();
        try {
            return ts == null ? java.time.Instant.MIN : java.time.Instant.parse(ts);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.MIN;
        }
    }

    private static PeerAuthentication spec(IstioResource r) {
        return (PeerAuthentication) r.spec();
    }
}

package io.strait.it.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields Strimzi's operator requires of the kinds Strait's manifests use ({@code kafka.strimzi.io/v1beta2}
 * {@code Kafka} and {@code KafkaNodePool}, in KRaft mode with node pools), checked on generic resources since
 * fabric8's model has no Strimzi classes. {@code complete} is false for a kustomize patch, which may leave fields out.
 */
final class StrimziChecks {
    static final String API_VERSION = ManifestReader.STRIMZI_GROUP + "/v1beta2";
    private static final Set<String> KINDS = Set.of("Kafka", "KafkaNodePool");
    private static final Set<String> NODE_ROLES = Set.of("controller", "broker");
    private static final Set<String> LISTENER_TYPES = Set.of("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip");

    private StrimziChecks() {
    }

    static List<String> check(GenericKubernetesResource r, boolean complete) {
        List<String> errors = new ArrayList<>();
        if (!API_VERSION.equals(r.getApiVersion())) {
            errors.add("apiVersion " + r.getApiVersion() + ": Strait's manifests use " + API_VERSION);
        }
        if (!KINDS.contains(r.getKind())) {
            errors.add("kind " + r.getKind() + " is not one of " + KINDS);
            return errors;
        }
        if (r.getMetadata() == null || r.getMetadata().getName() == null) {
            errors.add("metadata.name is required");
        }
        Map<String, Object> spec = map(r.getAdditionalProperties().get("spec"));
        if (spec == null) {
            errors.add("spec is required");
            return errors;
        }
        if (r.getKind().equals("KafkaNodePool")) {
            nodePool(r, spec, complete, errors);
        } else {
            kafka(r, spec, complete, errors);
        }
        return errors;
    }

    private static void nodePool(GenericKubernetesResource r, Map<String, Object> spec, boolean complete, List<String> errors) {
        if (spec.get("replicas") != null && !(spec.get("replicas") instanceof Integer)) {
            errors.add("spec.replicas must be an integer");
        }
        if (spec.get("roles") instanceof List<?> roles) {
            roles.stream().filter(role -> !NODE_ROLES.contains(String.valueOf(role)))
                    .forEach(role -> errors.add("spec.roles: " + role + " is not one of " + NODE_ROLES));
        } else if (spec.get("roles") != null) {
            errors.add("spec.roles must be a list");
        }
        if (!complete) {
            return;
        }
        if (!(spec.get("replicas") instanceof Integer)) {
            errors.add("spec.replicas is required");
        }
        if (!(spec.get("roles") instanceof List<?> roles) || roles.isEmpty()) {
            errors.add("spec.roles is required (controller, broker or both)");
        }
        if (map(spec.get("storage")) == null || map(spec.get("storage")).get("type") == null) {
            errors.add("spec.storage.type is required");
        }
        if (r.getMetadata().getLabels() == null || r.getMetadata().getLabels().get("strimzi.io/cluster") == null) {
            errors.add("metadata.labels[strimzi.io/cluster] must name the Kafka this pool belongs to");
        }
    }

    private static void kafka(GenericKubernetesResource r, Map<String, Object> spec, boolean complete, List<String> errors) {
        if (spec.containsKey("zookeeper")) {
            errors.add("spec.zookeeper: Strait's Kafka runs in KRaft mode, without ZooKeeper");
        }
        Map<String, Object> kafka = map(spec.get("kafka"));
        if (kafka == null) {
            errors.add("spec.kafka is required");
            return;
        }
        if (kafka.get("listeners") instanceof List<?> listeners) {
            for (int i = 0; i < listeners.size(); i++) {
                Map<String, Object> l = map(listeners.get(i));
                String at = "spec.kafka.listeners[" + i + "]";
                if (l == null) {
                    errors.add(at + " must be a mapping");
                    continue;
                }
                if (!(l.get("name") instanceof String)) {
                    errors.add(at + ".name is required");
                }
                if (!(l.get("port") instanceof Integer)) {
                    errors.add(at + ".port is required (an integer)");
                }
                if (!LISTENER_TYPES.contains(String.valueOf(l.get("type")))) {
                    errors.add(at + ".type " + l.get("type") + " is not one of " + LISTENER_TYPES);
                }
                if (!(l.get("tls") instanceof Boolean)) {
                    errors.add(at + ".tls is required (true or false)");
                }
            }
        } else if (complete) {
            errors.add("spec.kafka.listeners is required");
        }
        Map<String, Object> config = map(kafka.get("config"));
        if (config != null && config.get("min.insync.replicas") instanceof Integer isr
                && config.get("default.replication.factor") instanceof Integer rf && isr > rf) {
            errors.add("spec.kafka.config: min.insync.replicas " + isr + " above default.replication.factor " + rf
                    + " refuses every acks=all write");
        }
        if (complete) {
            Map<String, String> annotations = r.getMetadata().getAnnotations();
            for (String a : List.of("strimzi.io/kraft", "strimzi.io/node-pools")) {
                if (annotations == null || !"enabled".equals(annotations.get(a))) {
                    errors.add("metadata.annotations[" + a + "] must be enabled (KRaft with node pools)");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}

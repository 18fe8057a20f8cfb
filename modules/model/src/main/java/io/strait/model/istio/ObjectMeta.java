package io.strait.model.istio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * Kubernetes object metadata. Unknown fields are ignored here (and only here): the API server adds
 * uid, resourceVersion and friends, which users commit when they export live objects. {@code creationTimestamp}
 * (RFC 3339, as the API server writes it) is kept: where Istio lets the oldest of several policies win, so does Strait.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
                         String creationTimestamp) {
    public ObjectMeta {
        labels = Lists.copy(labels);
        annotations = Lists.copy(annotations);
    }

    /** The namespace, or {@code default} when the document does not set one (as kubectl applies it). */
    public String namespaceOrDefault() {
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }
}

package io.strait.translate.pilot;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.StringMatch;
import io.strait.model.istio.VirtualService;
import io.strait.model.istio.VirtualService.HttpMatchRequest;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * VirtualService delegation: a root route hands its requests to a delegate VirtualService, whose routes apply in
 * its place, each match narrowed by the root's. The delegate's conditions must fall within the root's, as Istio
 * requires: a delegate uri outside the root's prefix, or a header the two test differently, can never match, and
 * that combination is left out.
 */
final class Delegates {
    private Delegates() {
    }

    /** The delegate VirtualService a route names, if the revision holds it. */
    static Optional<IstioResource> target(VirtualService.Delegate delegate, String rootNamespace, MeshModel model) {
        String ns = delegate.namespace() != null ? delegate.namespace() : rootNamespace;
        return model.resource(new ResourceKey("VirtualService", ns, delegate.name()));
    }

    /**
     * Every combination of a root match block with a delegate match block that can hold at once (a missing list is
     * one block matching everything); null elements stand for "everything".
     */
    static List<HttpMatchRequest> merge(List<HttpMatchRequest> root, List<HttpMatchRequest> delegate) {
        List<HttpMatchRequest> roots = root.isEmpty() ? java.util.Collections.singletonList(null) : root;
        List<HttpMatchRequest> children = delegate.isEmpty() ? java.util.Collections.singletonList(null) : delegate;
        List<HttpMatchRequest> out = new ArrayList<>();
        for (HttpMatchRequest r : roots) {
            for (HttpMatchRequest d : children) {
                if (r == null || d == null) {
                    out.add(r == null ? d : r);
                    continue;
                }
                HttpMatchRequest merged = both(r, d);
                if (merged != null) {
                    out.add(merged);
                }
            }
        }
        return out;
    }

    private static HttpMatchRequest both(HttpMatchRequest r, HttpMatchRequest d) {
        StringMatch uri = uri(r.uri(), d.uri());
        Map<String, StringMatch> headers = union(r.headers(), d.headers());
        Map<String, StringMatch> without = union(r.withoutHeaders(), d.withoutHeaders());
        Map<String, StringMatch> query = union(r.queryParams(), d.queryParams());
        Map<String, String> source = union(r.sourceLabels(), d.sourceLabels());
        if ((r.uri() != null && d.uri() != null && uri == null) || headers == null || without == null || query == null
                || source == null) {
            return null;
        }
        return new HttpMatchRequest(d.name() != null ? d.name() : r.name(), uri,
                or(d.scheme(), r.scheme()), or(d.method(), r.method()), or(d.authority(), r.authority()),
                headers, without, query, or(d.ignoreUriCase(), r.ignoreUriCase()), or(d.port(), r.port()), source,
                or(d.sourceNamespace(), r.sourceNamespace()), r.gateways());
    }

    /** The delegate's uri when it lies within the root's (same exact path, or inside its prefix), else null. */
    private static StringMatch uri(StringMatch root, StringMatch child) {
        if (root == null || child == null) {
            return root == null ? child : root;
        }
        if (root.prefix() != null) {
            String within = child.prefix() != null ? child.prefix() : child.exact();
            return within != null && within.startsWith(root.prefix()) ? child : null;
        }
        return root.equals(child) ? child : null;
    }

    /** Both maps' entries, or null when they give one key different values. */
    private static <V> Map<String, V> union(Map<String, V> a, Map<String, V> b) {
        Map<String, V> out = new LinkedHashMap<>(a);
        for (Map.Entry<String, V> e : b.entrySet()) {
            V before = out.putIfAbsent(e.getKey(), e.getValue());
            if (before != null && !before.equals(e.getValue())) {
                return null;
            }
        }
        return out;
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}

package io.strait.ingest.validate;

import io.strait.ingest.analyze.GoText;
import io.strait.ingest.load.LoadedResource;

/**
 * Where the rules of one resource report: its findings, at its source lines. Saves every rule from passing the
 * resource and the collector apart; all rules of Istio's validation report as {@link Findings#SCHEMA}.
 *
 * @param resource the resource being checked
 * @param findings the collector
 */
record Report(LoadedResource resource, Findings findings) {

    void error(String path, String message) {
        findings.error(resource, Findings.SCHEMA, path, message);
    }

    void warning(String path, String message) {
        findings.warning(resource, Findings.SCHEMA, path, message);
    }

    /** Reports {@code message} as an error at {@code path} unless it is null (the form was valid). */
    void errorIf(String path, String message) {
        if (message != null) {
            error(path, message);
        }
    }

    String namespace() {
        return resource.resource().namespace();
    }

    /** Go's %q for the strings Istio quotes in its messages. */
    static String q(String s) {
        return GoText.quote(s);
    }
}

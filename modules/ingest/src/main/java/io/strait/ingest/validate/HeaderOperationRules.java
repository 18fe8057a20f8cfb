package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.VirtualService.HeaderOperations;
import io.strait.model.istio.VirtualService.Headers;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The header operations of a VirtualService route or destination. Envoy rejects a whole route configuration whose
 * operations name an invalid header, a pseudo-header or {@code host}, or carry a value with control characters — so
 * those are refused here, with the field to fix, instead of reaching a proxy as a NACK. Setting {@code host} or
 * {@code :authority} on the request is the one exception: it is translated into a host rewrite.
 */
final class HeaderOperationRules {
    /** An HTTP field name: an RFC 9110 token. */
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private HeaderOperationRules() {
    }

    static void check(LoadedResource r, Findings f, String path, Headers headers) {
        if (headers == null) {
            return;
        }
        operations(r, f, path + ".request", headers.request(), true);
        operations(r, f, path + ".response", headers.response(), false);
    }

    private static void operations(LoadedResource r, Findings f, String path, HeaderOperations ops, boolean request) {
        if (ops == null) {
            return;
        }
        values(r, f, path + ".set", ops.set(), request);
        values(r, f, path + ".add", ops.add(), false);
        for (int i = 0; i < ops.remove().size(); i++) {
            name(r, f, path + ".remove[" + i + "]", ops.remove().get(i), false);
        }
    }

    private static void values(LoadedResource r, Findings f, String path, Map<String, String> headers, boolean authorityAllowed) {
        headers.forEach((name, value) -> {
            String p = path + "." + name;
            name(r, f, p, name, authorityAllowed);
            if (value != null && value.chars().anyMatch(c -> c == 0 || c == '\r' || c == '\n')) {
                f.error(r, Findings.SCHEMA, p, "header value must not contain NUL, CR or LF");
            } else if (value != null && value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                f.error(r, Findings.SCHEMA, p, "header value configuration " + value + " is invalid");
            } else if (value != null) {
                String format = HeaderValueFormat.error(value);
                if (format != null) {
                    f.error(r, Findings.SCHEMA, p, "header value configuration: " + format);
                }
            }
        });
    }

    private static void name(LoadedResource r, Findings f, String path, String name, boolean authorityAllowed) {
        if (name == null || name.isEmpty()) {
            f.error(r, Findings.SCHEMA, path, "header name must not be empty");
            return;
        }
        boolean authority = Headers.isAuthority(name);
        if (authority && authorityAllowed) {
            return;
        }
        if (authority) {
            f.error(r, Findings.SCHEMA, path, "the \"" + name + "\" header cannot be added, removed or set on a response;"
                    + " set it under headers.request.set to change the request's authority");
        } else if (name.startsWith(":")) {
            f.error(r, Findings.SCHEMA, path, "pseudo-header \"" + name + "\" cannot be modified by header operations");
        } else if (!NAME.matcher(name).matches()) {
            f.error(r, Findings.SCHEMA, path, "\"" + name + "\" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)");
        }
    }
}

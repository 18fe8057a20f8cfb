package io.strait.cli.notify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;

/** Where an event goes, and as what request; empty when the event is not for this target. */
public interface NotifyTarget {
    Optional<HttpRequest> request(RevisionEvent event);

    /** For log lines: never a secret, a token or credentials of a URL. */
    String name();

    /** {@code scheme://host[:port]/path} of a URL: no user info, no query (either may carry a secret). */
    static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (url.getPath() == null ? "" : url.getPath());
    }
}

package io.strait.ingest.source;

import java.util.Locale;
import java.util.Optional;

/**
 * A git repository's identity as {@code host/path}, whichever way its URL is written, so a push reported as
 * {@code https://host/org/repo}, {@code ssh://git@host/org/repo.git} or {@code git@host:org/repo.git} matches a
 * source configured with any other of them. Credentials, ports, a trailing {@code .git} and {@code /} are dropped;
 * the comparison ignores case, as GitHub and GitLab do.
 *
 * @param host the host name, lower case
 * @param path the repository path without leading {@code /} or {@code .git}, lower case (e.g. {@code org/repo})
 */
public record RepositoryUrl(String host, String path) {

    /** The repository a URL names, or empty when the text is no repository URL. */
    public static Optional<RepositoryUrl> parse(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String text = url.trim();
        String hostAndPath;
        int scheme = text.indexOf("://");
        if (scheme > 0) {
            hostAndPath = text.substring(scheme + 3);
            int slash = hostAndPath.indexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            String authority = hostAndPath.substring(0, slash);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            // a port says how to reach the host, not which repository it is
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && !authority.endsWith("]")) {
                authority = authority.substring(0, colon);
            }
            return of(authority, hostAndPath.substring(slash + 1));
        }
        // scp-like: [user@]host:path
        int colon = text.indexOf(':');
        if (colon <= 0 || text.indexOf('/') >= 0 && text.indexOf('/') < colon) {
            return Optional.empty();
        }
        String authority = text.substring(0, colon);
        return of(authority.substring(authority.lastIndexOf('@') + 1), text.substring(colon + 1));
    }

    private static Optional<RepositoryUrl> of(String host, String path) {
        String p = path;
        int query = p.indexOf('?');
        if (query >= 0) {
            p = p.substring(0, query);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.toLowerCase(Locale.ROOT).endsWith(".git")) {
            p = p.substring(0, p.length() - 4);
        }
        if (host.isEmpty() || p.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RepositoryUrl(host.toLowerCase(Locale.ROOT), p.toLowerCase(Locale.ROOT)));
    }

    /** Whether two URLs name the same repository; false when either is no repository URL. */
    public static boolean same(String a, String b) {
        Optional<RepositoryUrl> x = parse(a);
        return x.isPresent() && x.equals(parse(b));
    }

    /** The branch of a {@code refs/heads/<branch>} ref, or empty for tags and other refs. */
    public static Optional<String> branchOf(String ref) {
        return ref != null && ref.startsWith("refs/heads/") && ref.length() > "refs/heads/".length()
                ? Optional.of(ref.substring("refs/heads/".length())) : Optional.empty();
    }

    @Override
    public String toString() {
        return host + "/" + path;
    }
}

package io.strait.ingest.git;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a git source is named and recognised: {@code git:<url without credentials>@<ref>}. Names travel on the bus
 * and in logs, so a token a user put in the URL must never be part of one.
 */
public final class GitSourceName {
    /** {@code user@host:path}, the scp-like form git accepts for SSH. */
    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//).+");

    private GitSourceName() {
    }

    /** Whether a {@code --config} value names a git repository rather than a folder. */
    public static boolean isGitUrl(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.startsWith("https://") || v.startsWith("http://") || v.startsWith("ssh://") || v.startsWith("file://")
                || v.startsWith("git://") || SCP_LIKE.matcher(value).matches();
    }

    /** The source name: {@code git:<redacted url>@<ref>}. */
    public static String of(String url, String ref) {
        return "git:" + redact(url) + "@" + ref;
    }

    /**
     * The URL with its credentials removed: over HTTP(S) the whole user part goes (a token is often given as the
     * user name); over SSH the user name stays (it is not a secret, {@code git@}) but a password goes.
     */
    public static String redact(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url; // scp-like or a path: user@host holds no secret
        }
        int hostStart = scheme + 3;
        int slash = url.indexOf('/', hostStart);
        int authorityEnd = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at < hostStart) {
            return url;
        }
        String userInfo = url.substring(hostStart, at);
        boolean ssh = url.regionMatches(true, 0, "ssh", 0, 3);
        String kept = ssh && !userInfo.contains(":") ? userInfo + "@" : ssh ? userInfo.substring(0, userInfo.indexOf(':')) + "@" : "";
        return url.substring(0, hostStart) + kept + url.substring(at + 1);
    }

    /**
     * The URL reduced to what identifies the repository — no credentials, no user, host in lower case, no trailing
     * slash or {@code .git} — so that a webhook's {@code clone_url} and a configured URL compare equal.
     */
    public static String canonical(String url) {
        String u = redact(url.trim());
        int scheme = u.indexOf("://");
        if (scheme >= 0) {
            int hostStart = scheme + 3;
            int at = u.indexOf('@', hostStart);
            int slash = u.indexOf('/', hostStart);
            if (at >= 0 && (slash < 0 || at < slash)) {
                u = u.substring(0, hostStart) + u.substring(at + 1);
                slash = u.indexOf('/', hostStart);
            }
            int end = slash < 0 ? u.length() : slash;
            u = u.substring(hostStart, end).toLowerCase(Locale.ROOT) + u.substring(end);
        } else if (SCP_LIKE.matcher(u).matches()) {
            int at = u.indexOf('@');
            int colon = u.indexOf(':', at);
            u = u.substring(at + 1, colon).toLowerCase(Locale.ROOT) + "/" + u.substring(colon + 1);
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith(".git")) {
            u = u.substring(0, u.length() - 4);
        }
        return u;
    }

    /** Whether two spellings of a repository URL name the same repository ({@link #canonical}). */
    public static boolean sameRepository(String a, String b) {
        return canonical(a).equals(canonical(b));
    }
}

package io.strait.ingest.git;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code --git-branch} asks for — a branch, a tag, or a pinned commit — and which of the remote's refs that
 * is. Kept free of JGit so the choice can be tested on its own.
 *
 * @param kind what kind of ref was asked for
 * @param name the branch or tag name without its {@code refs/...} prefix, or the full commit SHA
 */
public record GitRef(Kind kind, String name) {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    /** What a {@code --git-branch} value can be. */
    public enum Kind {
        /** {@code refs/heads/x}: only a branch. */
        BRANCH,
        /** {@code refs/tags/x}: only a tag. */
        TAG,
        /** 40 hex digits: that commit, whatever the branches do. */
        COMMIT,
        /** A plain name: the branch of that name, else the tag. */
        BRANCH_OR_TAG
    }

    /** Reads a {@code --git-branch} value. */
    public static GitRef parse(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("--git-branch is empty: give a branch (main), a tag (refs/tags/v1) or a full commit SHA");
        }
        if (SHA.matcher(v.toLowerCase(java.util.Locale.ROOT)).matches()) {
            return new GitRef(Kind.COMMIT, v.toLowerCase(java.util.Locale.ROOT));
        }
        if (v.startsWith("refs/heads/")) {
            return new GitRef(Kind.BRANCH, v.substring("refs/heads/".length()));
        }
        if (v.startsWith("refs/tags/")) {
            return new GitRef(Kind.TAG, v.substring("refs/tags/".length()));
        }
        return new GitRef(Kind.BRANCH_OR_TAG, v);
    }

    /** How the ref shows in a source name and in messages. */
    @Override
    public String toString() {
        return kind == Kind.TAG ? "refs/tags/" + name : name;
    }

    /** Whether a push notification's ref ({@code main}, {@code refs/heads/main}, {@code refs/tags/v1}) is this one. */
    public boolean matches(String ref) {
        if (ref == null) {
            return true;
        }
        return switch (kind) {
            case COMMIT -> false; // a pinned commit never moves: no push concerns it
            case BRANCH -> ref.equals(name) || ref.equals("refs/heads/" + name);
            case TAG -> ref.equals("refs/tags/" + name);
            case BRANCH_OR_TAG -> ref.equals(name) || ref.equals("refs/heads/" + name) || ref.equals("refs/tags/" + name);
        };
    }

    /**
     * Picks the remote ref this one is among what the remote advertises.
     *
     * @param advertised remote ref name ({@code refs/heads/main}) to the commit it points at (tags peeled)
     * @param url        the repository as it may be shown (no credentials), for the message
     */
    public Resolution resolve(Map<String, String> advertised, String url) {
        List<String> candidates = switch (kind) {
            case COMMIT -> List.of();
            case BRANCH -> List.of("refs/heads/" + name);
            case TAG -> List.of("refs/tags/" + name);
            case BRANCH_OR_TAG -> List.of("refs/heads/" + name, "refs/tags/" + name);
        };
        if (kind == Kind.COMMIT) {
            return new Resolution.Found(null, name);
        }
        for (String c : candidates) {
            String sha = advertised.get(c);
            if (sha != null) {
                return new Resolution.Found(c, sha);
            }
        }
        List<String> branches = advertised.keySet().stream().filter(r -> r.startsWith("refs/heads/"))
                .map(r -> r.substring("refs/heads/".length())).sorted().limit(10).toList();
        String what = kind == Kind.BRANCH ? "branch" : kind == Kind.TAG ? "tag" : "branch or tag";
        return new Resolution.Missing(what + " '" + name + "' does not exist in " + url + " ("
                + (branches.isEmpty() ? "it has no branches" : "its branches: " + String.join(", ", branches))
                + "): push it, or give an existing one with --git-branch");
    }

    /** The outcome of {@link #resolve}. */
    public sealed interface Resolution {
        /** @param remoteRef the remote ref to fetch, or null for a pinned commit */
        record Found(String remoteRef, String sha) implements Resolution {
        }

        /** @param message what is missing and what to do */
        record Missing(String message) implements Resolution {
        }
    }
}

package io.strait.cli.status;

import io.strait.bus.envelope.RevisionStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Every revision the sources' statuses remember ({@link RevisionStatus#HISTORY} per source), as reports, and the
 * lookup of one by id or any unique prefix of it — how a CI pipeline names a commit.
 */
public final class RevisionReports {
    /** Below this length a prefix names too little to be meant (except an exact id). */
    public static final int MIN_PREFIX = 4;

    private RevisionReports() {
    }

    /** Per source (sorted by name), newest first. */
    public static List<RevisionReport> all(MeshStatus status) {
        List<RevisionReport> out = new ArrayList<>();
        for (RevisionStatus src : status.sources()) {
            src.decisions().forEach(d -> out.add(RevisionReport.of(status, src, d)));
        }
        return out;
    }

    /** The outcome of looking a revision up. */
    public sealed interface Lookup {
    }

    /** Exactly one revision matches. */
    public record Found(RevisionReport report) implements Lookup {
    }

    /** None does (yet: ingest may not have seen the commit). */
    public record Unknown(String message) implements Lookup {
    }

    /** Several do; {@code candidates} are {@code source id subject} lines. */
    public record Ambiguous(String message, List<String> candidates) implements Lookup {
    }

    /**
     * @param prefix an id, or a prefix of at least {@value #MIN_PREFIX} characters (case-insensitive, as git's)
     * @param source only this source's revisions, or null for every source's
     */
    public static Lookup find(MeshStatus status, String prefix, String source) {
        String p = prefix.trim().toLowerCase(java.util.Locale.ROOT);
        List<RevisionReport> matches = new ArrayList<>();
        for (RevisionReport r : all(status)) {
            if (source != null && !source.equals(r.source())) {
                continue;
            }
            String id = r.revision().toLowerCase(java.util.Locale.ROOT);
            if (id.equals(p)) {
                return new Found(r);
            }
            if (p.length() >= MIN_PREFIX && id.startsWith(p)
                    && matches.stream().noneMatch(m -> m.revision().equals(r.revision()) && m.source().equals(r.source()))) {
                matches.add(r);
            }
        }
        String where = source == null ? "any source" : source;
        if (matches.size() == 1) {
            return new Found(matches.get(0));
        }
        if (matches.isEmpty()) {
            return new Unknown(p.length() < MIN_PREFIX
                    ? "revision \"" + prefix + "\" is too short to look up: give at least " + MIN_PREFIX + " characters"
                    : "no revision of " + where + " matches \"" + prefix + "\" (the last " + RevisionStatus.HISTORY
                    + " of each source are kept; see strait status --revisions)");
        }
        List<String> candidates = matches.stream().map(r -> r.source() + " " + r.id()
                + (r.commit() != null && r.commit().subject() != null ? " " + r.commit().subject() : "")).toList();
        return new Ambiguous("revision prefix \"" + prefix + "\" matches " + matches.size() + " revisions; give more characters", candidates);
    }
}

package io.strait.cli.status;

import io.strait.model.finding.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code strait status --revisions}: per source, newest first, each revision's id, commit subject and author
 * (git sources), verdict and state, proxies applied N/M, NACKs, and the time from the push to the last ACK; a
 * rejected revision's errors (file:line) and a revision's NACKs follow its row.
 */
public final class RevisionTable {
    private static final int SUBJECT = 40;

    private RevisionTable() {
    }

    public static String render(List<RevisionReport> reports) {
        if (reports.isEmpty()) {
            return "No config source has published yet.\n";
        }
        StringBuilder out = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("SOURCE", "REVISION", "SUBJECT", "AUTHOR", "STATE", "PROXIES", "NACKS", "PUSH TO LAST ACK"));
        List<List<String>> details = new ArrayList<>();
        for (RevisionReport r : reports) {
            boolean git = r.commit() != null;
            rows.add(List.of(r.source(), r.id(), git ? clip(r.commit().subject()) : "-", git ? author(r.commit().author()) : "-",
                    r.verdict().equals("rejected") ? "rejected" : "accepted, " + r.state()
                            + (r.rollout() == null || r.rollout().contains(":") ? "" : ", " + r.rollout()),
                    r.verdict().equals("rejected") ? "-" : r.proxies().applied() + "/" + r.proxies().total(),
                    String.valueOf(r.proxies().nacked()), r.convergeMillis() < 0 ? "-" : r.convergeMillis() + " ms"));
            List<String> lines = new ArrayList<>();
            if (r.verdict().equals("rejected")) {
                r.findings().stream().filter(Finding::isError).forEach(f -> lines.add("  " + f.describe()));
            }
            if (r.rollout() != null && r.rollout().contains(":")) {
                lines.add("  rollout " + r.rollout()); // halted or aborted: why, on its own line, as errors are
            }
            r.nacks().forEach((proxy, error) -> lines.add("  NACK " + proxy + " " + error));
            details.add(lines);
        }
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        for (int n = 0; n < rows.size(); n++) {
            List<String> row = rows.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i)).append(i < row.size() - 1 ? " ".repeat(widths[i] - row.get(i).length() + 2) : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (n > 0) {
                details.get(n - 1).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    private static String clip(String subject) {
        if (subject == null) {
            return "-";
        }
        return subject.length() <= SUBJECT ? subject : subject.substring(0, SUBJECT - 1) + "…";
    }

    /** The name of {@code Name <email>}: the email makes the table too wide and is in the JSON. */
    private static String author(String author) {
        if (author == null) {
            return "-";
        }
        int lt = author.indexOf('<');
        return lt > 0 ? author.substring(0, lt).trim() : author;
    }
}

package io.strait.ingest.revision;

import io.strait.model.finding.Finding;
import java.util.List;

/** What validation made of a source's state: a revision to publish, or a rejection that explains itself. */
public sealed interface RevisionOutcome {

    /** The revision id, accepted or not. */
    String id();

    /** Every resource valid: publish it. */
    record Accepted(Revision revision) implements RevisionOutcome {
        @Override
        public String id() {
            return revision.id();
        }
    }

    /** At least one error: nothing of it may reach a proxy. */
    record Rejected(String id, List<Finding> findings) implements RevisionOutcome {
        public Rejected {
            findings = List.copyOf(findings);
        }
    }
}

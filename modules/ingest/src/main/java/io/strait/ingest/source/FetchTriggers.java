package io.strait.ingest.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fetch triggers of the sources running in one ingest role, for a webhook endpoint to find the ones a push
 * concerns. Sources add themselves when they start and leave when they close.
 */
public final class FetchTriggers {
    private final List<FetchTrigger> triggers = new CopyOnWriteArrayList<>();

    public void add(FetchTrigger trigger) {
        triggers.add(trigger);
    }

    public void remove(FetchTrigger trigger) {
        triggers.remove(trigger);
    }

    /** Every trigger, as a live read-only view: sources that start later appear in it. */
    public List<FetchTrigger> all() {
        return java.util.Collections.unmodifiableList(triggers);
    }

    /** The sources that follow {@code repoUrl} at {@code ref} (none when no source does). */
    public List<FetchTrigger> find(String repoUrl, String ref) {
        return triggers.stream().filter(t -> t.matches(repoUrl, ref)).toList();
    }

    /** Triggers every source that follows {@code repoUrl} at {@code ref}; returns how many were triggered. */
    public int fetchNow(String repoUrl, String ref, String reason) {
        List<FetchTrigger> found = find(repoUrl, ref);
        found.forEach(t -> t.fetchNow(reason));
        return found.size();
    }
}

package io.strait.ingest.source;

import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.jwks.JwksFetcher;
import io.strait.ingest.jwks.JwksKeys;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.revision.PublishedState;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionDiff;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.ingest.revision.RevisionPublisher;
import io.strait.model.finding.Finding;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import java.time.Clock;
import java.time.Duration;
import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.validate.RevisionValidator;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.function.Supplier;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core every config source shares: what one source read at one revision goes in (a folder's files, a git
 * commit's tree), is validated, turned into a revision, diffed against what the source has live and published in
 * one Kafka transaction — or rejected whole, with the last good revision left live. A source only reads; this
 * decides and writes. Not thread-safe: each source calls it from its one worker thread.
 */
public final class RevisionPipeline implements AutoCloseable {
    /** Events a person running Strait wants to see (the CLI prints this logger on the console). */
    public static final Logger EVENTS = LoggerFactory.getLogger("strait.events");
    private static final Logger LOG = LoggerFactory.getLogger(RevisionPipeline.class);

    private final BusConfig bus;
    private final String source;
    private final RevisionBuilder builder;
    /** The comparable form of each parsed resource instance, so an unchanged one is not encoded again per revision. */
    private final Map<IstioResource, byte[]> comparables = new IdentityHashMap<>();
    /** jwksUri keys, fetched here so the translator inlines what the revision carries. */
    private final JwksKeys jwks;
    private RevisionPublisher publisher;
    private Map<ResourceKey, byte[]> published;
    private RevisionStatus status;
    private boolean announced;

    /**
     * @param bus         the Kafka cluster
     * @param source      the source name recorded in every origin, marker and status
     * @param jwksRefresh how old fetched JWKS may grow before a later revision fetches them again
     */
    public RevisionPipeline(BusConfig bus, String source, Duration jwksRefresh) {
        this(bus, source, jwksRefresh, List::of);
    }

    /**
     * @param clusterHosts the hosts the clusters' registries publish ({@code strait.endpoints.v1}), read at each
     *                     validation: a route to one of them is a route to a real service
     */
    public RevisionPipeline(BusConfig bus, String source, Duration jwksRefresh,
                            Supplier<? extends Collection<AnalysisInput.ClusterHost>> clusterHosts) {
        this.builder = new RevisionBuilder(new RevisionValidator(clusterHosts));
        this.bus = bus;
        this.source = source;
        this.jwks = new JwksKeys(new JwksFetcher(), jwksRefresh, Clock.systemUTC());
    }

    /**
     * Reads back what this source has live on the bus — the diff baseline and the status — so that a restarted
     * ingest knows its live revision (a git source: its live commit) without any local state.
     */
    public RevisionPipeline start() {
        publisher = new RevisionPublisher(bus, source);
        readBack();
        return this;
    }

    /**
     * Takes what the bus holds as the baseline. Called only with a fresh producer in place: its
     * {@code initTransactions} has settled whatever transaction the previous producer of this source left open (a
     * crashed ingest, or a write this process gave up on) — committed if it had got as far as its commit, aborted
     * otherwise — so the read_committed view read here is final. A revision that did commit is then live and not
     * published a second time; one that did not is published whole.
     */
    private void readBack() {
        PublishedState state = PublishedState.read(bus, source, Duration.ofSeconds(30));
        published = state.resources();
        status = state.status();
    }

    public String source() {
        return source;
    }

    /** The source's last status as published (or read back at start); null before its first. */
    public RevisionStatus status() {
        return status;
    }

    /** The id of the live revision, or null before the first was accepted. */
    public String liveRevision() {
        return status == null ? null : status.liveRevision();
    }

    /**
     * Validates what the source read and publishes it, or rejects it.
     *
     * @param loaded     what the source holds at this revision (findings of reading it included)
     * @param revisionId the source's own id (a commit SHA), or null for the content hash
     * @param commit     the git commit this is, or null for a source that is not git
     * @return what was decided, for a source that answers a caller (the api source answers the client)
     */
    public Submitted submit(LoadResult loaded, String revisionId, CommitInfo commit) {
        RevisionOutcome outcome = builder.build(source, revisionId, loaded);
        if (outcome instanceof RevisionOutcome.Accepted valid) {
            // only a valid revision is worth the network: keys join it before it is diffed and published
            outcome = new RevisionOutcome.Accepted(jwks.apply(valid.revision(), loaded));
        }
        RevisionOutcome decided = outcome;
        int[] changed = new int[1];
        write(decided.id(), () -> {
            if (decided instanceof RevisionOutcome.Accepted accepted) {
                changed[0] = accept(accepted, commit);
            } else {
                reject((RevisionOutcome.Rejected) decided, commit);
            }
        });
        if (decided instanceof RevisionOutcome.Accepted accepted) {
            return new Submitted(accepted.id(), true, accepted.revision().resources().size(), changed[0],
                    accepted.revision().warnings());
        }
        return new Submitted(decided.id(), false, 0, 0, ((RevisionOutcome.Rejected) decided).findings());
    }

    /**
     * What {@link #submit} decided.
     *
     * @param id        the revision id
     * @param accepted  true when it is live (or already was, unchanged)
     * @param resources how many resources the source has at this revision (0 when rejected)
     * @param changed   how many records it wrote (0 when unchanged or rejected)
     * @param findings  the warnings of an accepted revision, or every finding of a rejected one
     */
    public record Submitted(String id, boolean accepted, int resources, int changed, List<Finding> findings) {
        public Submitted {
            findings = List.copyOf(findings);
        }
    }

    /**
     * Rejects a revision the source could not even read — an unreachable repository, a missing branch, an unsigned
     * commit — so that the reason shows in {@code strait status}; the live revision is untouched.
     *
     * @param revisionId what the source tried to read (a SHA when known, else a description of the ref)
     */
    public void rejectSource(String revisionId, List<Finding> findings, CommitInfo commit) {
        write(revisionId, () -> reject(new RevisionOutcome.Rejected(revisionId, findings), commit));
    }

    private void write(String id, Runnable write) {
        try {
            if (publisher == null) {
                // after a failure: a fresh transactional producer, then what the failed write really left on the bus
                // (a commit the client saw time out may have happened), so the retry is exactly once
                RevisionPublisher fresh = new RevisionPublisher(bus, source);
                try {
                    readBack();
                } catch (RuntimeException e) {
                    fresh.close();
                    throw e instanceof KafkaException k ? k
                            : new KafkaException("cannot read back what " + source + " has on the bus: " + e.getMessage(), e);
                }
                publisher = fresh;
            }
            write.run();
        } catch (KafkaException e) {
            LOG.debug("publishing revision {} of {} failed", id, source, e); // the event below says it in one line
            EVENTS.error("revision {} of {} could not be published ({}); retrying on the next change or resync",
                    id, source, e.getMessage());
            if (publisher != null) {
                publisher.abandon();
                publisher = null;
            }
            throw new PublishFailedException(e);
        }
    }

    /** @return how many records the revision wrote */
    private int accept(RevisionOutcome.Accepted accepted, CommitInfo commit) {
        RevisionDiff diff = RevisionDiff.between(published, accepted.revision(), comparables);
        String live = liveRevision();
        String shown = shown(accepted.id(), commit);
        if (diff.isEmpty() && accepted.id().equals(live)) {
            if (!announced) {
                EVENTS.info("revision {} of {} is live ({} resources, unchanged since it was published)", shown, source,
                        accepted.revision().resources().size());
            }
            announced = true;
            return 0;
        }
        announced = true;
        long now = System.currentTimeMillis();
        int count = accepted.revision().resources().size();
        RevisionMarker marker = new RevisionMarker(source, accepted.id(), count, accepted.id(), diff.size(), now, commit);
        // accept/reject keep the bounded history status per commit reads (the topic keeps one value per source)
        RevisionStatus next = (status == null ? RevisionStatus.none(source) : status)
                .accept(new RevisionStatus.Accepted(accepted.id(), count, diff.size(), now, accepted.revision().warnings(), commit));
        publisher.publish(diff, marker, next);
        published = diff.live();
        status = next;
        EVENTS.info("revision {} of {} accepted: {} resources, {} changed{}", shown, source, count, diff.size(),
                commit == null ? "" : " (" + commit.subject() + ")");
        accepted.revision().warnings().forEach(w -> EVENTS.info("  {}", w.describe()));
        return diff.size();
    }

    private void reject(RevisionOutcome.Rejected rejected, CommitInfo commit) {
        RevisionStatus.Rejected last = status == null ? null : status.lastRejected();
        if (last != null && last.revision().equals(rejected.id()) && last.findings().equals(rejected.findings())) {
            return; // the same rejection again (a poll of an unchanged bad head): the bus already says so
        }
        RevisionStatus next = (status == null ? RevisionStatus.none(source) : status)
                .reject(new RevisionStatus.Rejected(rejected.id(), System.currentTimeMillis(), rejected.findings(), commit));
        publisher.publishStatus(next);
        status = next;
        long errors = rejected.findings().stream().filter(Finding::isError).count();
        String live = next.live() == null ? "nothing" : "revision " + shown(next.live().revision(), next.live().commit());
        EVENTS.warn("revision {} of {} REJECTED ({} error{}); {} stays live:", shown(rejected.id(), commit), source, errors,
                errors == 1 ? "" : "s", live);
        rejected.findings().forEach(f -> EVENTS.warn("  {}", f.describe()));
    }

    /** A commit as users see it (12 hex digits); any other id as it is. */
    private static String shown(String id, CommitInfo commit) {
        return commit != null && id.equals(commit.sha()) ? commit.shortSha() : id;
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }

    /** The bus refused a write; the pipeline has dropped its producer and makes a fresh one on the next call. */
    public static final class PublishFailedException extends RuntimeException {
        PublishFailedException(KafkaException cause) {
            super(cause.getMessage(), cause);
        }
    }
}

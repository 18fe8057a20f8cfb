package io.strait.ingest.git;

import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.jwks.JwksKeys;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.ingest.source.FetchTrigger;
import io.strait.ingest.source.RevisionPipeline;
import io.strait.model.finding.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A git repository as a config source: one commit = one revision, its id the commit SHA. Every poll (and every
 * {@link #fetchNow}) asks the remote where the ref points; when that moved — forward, backward after a force-push,
 * or sideways — the new head is fetched into a bare cache under {@code <data-dir>/git/}, its tree is read from the
 * object database and handed to the shared {@link RevisionPipeline}. Commits between two polls are never revisions
 * of their own: the head is (as Argo CD and Flux do). The cache holds nothing the bus does not: which commit is live
 * is read back from {@code strait.revisions.v1} at start, and a broken cache is deleted and fetched again.
 *
 * <p>A revision the bus refused (down, or unreachable) is published again on its own, from what was read — the
 * remote is not asked again — after {@value #FIRST_RETRY_MS} ms, doubling to {@value #MAX_RETRY_MS} ms, until the bus
 * takes it or a newer head replaces it. The pipeline reads back what the bus holds before each attempt, so a commit
 * the client saw fail but the broker made is not published twice.
 */
public final class GitSource implements FetchTrigger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);
    /** The finding code of a repository that could not be read: unreachable, refused, missing ref, bad pack. */
    public static final String FETCH_CODE = "STR0010";
    /** The finding code of a head commit the signed-commit gate refuses. */
    public static final String SIGNATURE_CODE = "STR0012";
    private static final String HEAD_REF = "refs/strait/head";
    /** The first wait before publishing again what the bus refused; doubles on each refusal. */
    static final long FIRST_RETRY_MS = 200;
    /** The longest wait between two attempts: a bus back from an outage gets the revision within this. */
    static final long MAX_RETRY_MS = 5_000;

    private final GitSourceOptions options;
    private final String shownUrl;
    private final GitRef ref;
    private final Path cache;
    private final RevisionPipeline pipeline;
    private final GitTransport transport;
    private final ParseCache parses = new ParseCache();
    private final ScheduledExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    /** The head this source last read to the end (accepted or rejected), so an unchanged head costs one ls-remote. */
    private volatile String handled;
    /** What the bus refused last, to publish again without reading the remote; null when nothing waits. Worker only. */
    private Unpublished unpublished;
    private java.util.concurrent.ScheduledFuture<?> retry;
    private long retryMs = FIRST_RETRY_MS;
    /** How often the remote was asked where the ref points (tests: a retry asks nothing). */
    private final java.util.concurrent.atomic.AtomicLong remoteReads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong publishFailures = new java.util.concurrent.atomic.AtomicLong();

    /** A publish the bus refused: the head it is of ({@code null} for a rejection of the ref), and the write itself. */
    private record Unpublished(String head, Runnable write) {
    }

    /**
     * @param bus     the Kafka cluster
     * @param options the repository, ref, credentials, limits
     * @param dataDir the node's data directory; the clone lives in {@code <dataDir>/git/<hash of the source>}
     */
    public GitSource(BusConfig bus, GitSourceOptions options, Path dataDir) {
        this(bus, options, dataDir, List::of);
    }

    /** @param clusterHosts the hosts the clusters' registries publish, known to validation */
    public GitSource(BusConfig bus, GitSourceOptions options, Path dataDir,
                     java.util.function.Supplier<? extends java.util.Collection<io.strait.ingest.analyze.AnalysisInput.ClusterHost>> clusterHosts) {
        this.options = options;
        this.shownUrl = GitSourceName.redact(options.url());
        this.ref = GitRef.parse(options.ref());
        this.cache = dataDir.resolve("git").resolve(hash(GitSourceName.canonical(options.url()) + "@" + options.ref()));
        this.transport = new GitTransport(options, cache.resolveSibling(cache.getFileName() + ".ssh"));
        this.pipeline = new RevisionPipeline(bus, options.sourceName(), JwksKeys.DEFAULT_REFRESH, clusterHosts);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-git-" + cache.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads what the source has live on the bus, fetches and handles the head once, then polls. */
    public GitSource start() throws Exception {
        pipeline.start();
        worker.submit(() -> poll("start")).get();
        long every = options.poll().toMillis();
        worker.scheduleWithFixedDelay(() -> fetchNow("poll"), every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    public String source() {
        return pipeline.source();
    }

    /** The commit live on the bus for this source (read back at start, then as published); null before the first. */
    public String liveRevision() {
        return pipeline.liveRevision();
    }

    @Override
    public void fetchNow(String reason) {
        // one queued fetch at a time: triggers arriving before it starts are folded into it
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    poll(reason);
                });
            } catch (RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    @Override
    public boolean matches(String repoUrl, String pushedRef) {
        return GitSourceName.sameRepository(repoUrl, options.url()) && ref.matches(pushedRef);
    }

    /** One look at the remote. Runs on the worker thread only; never throws. */
    private void poll(String reason) {
        long receivedAt = System.currentTimeMillis();
        try {
            GitRef.Resolution.Found head = resolveHead();
            String sha = head.sha();
            if (sha.equals(handled)) {
                return;
            }
            if (unpublished != null && sha.equals(unpublished.head())) {
                return; // read already and waiting for the bus: the retry publishes it, without fetching it again
            }
            LOG.debug("{}: head {} ({})", source(), sha, reason);
            read(head, receivedAt);
            handled = sha;
        } catch (SourceProblem p) {
            handled = null;
            String message = p.getMessage();
            rejectRef(message);
        } catch (RevisionPipeline.PublishFailedException e) {
            handled = null; // reported by the pipeline; publish() has scheduled the retry
        } catch (IOException | GitAPIException | RuntimeException e) {
            handled = null;
            LOG.warn("{}: reading the repository failed; the local cache is dropped and fetched again", source(), e);
            wipeCache();
            rejectRef(describe(e));
        }
    }

    /**
     * Says in the source's status that the ref could not be read. A revision read before and still waiting for the
     * bus is not displaced by it: that revision is good, and publishing it matters more than the news.
     */
    private void rejectRef(String message) {
        if (unpublished != null && unpublished.head() != null) {
            LOG.warn("{}: {} (not published: revision {} is still waiting for the bus)", source(), message, unpublished.head());
            return;
        }
        publish(null, () -> reject("(" + ref + ")", message, null));
    }

    /**
     * Runs one write to the bus for {@code head} (null: a rejection of the ref); if the bus refuses it, keeps it and
     * schedules it again with backoff, replacing whatever waited before (only the newest decision matters). Throws
     * {@link RevisionPipeline.PublishFailedException} for the poll that made it. Worker thread only.
     */
    private void publish(String head, Runnable write) {
        cancelRetry();
        try {
            write.run();
            retryMs = FIRST_RETRY_MS;
        } catch (RevisionPipeline.PublishFailedException e) {
            publishFailures.incrementAndGet();
            unpublished = new Unpublished(head, write);
            scheduleRetry();
            if (head != null) {
                throw e;
            }
        }
    }

    private void scheduleRetry() {
        long wait = retryMs;
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        try {
            retry = worker.schedule(this::retryPublish, wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the source is closing: what was not published is read again on the next start
        }
    }

    /** Publishes again what the bus refused, as it was read. Worker thread; never throws. */
    private void retryPublish() {
        Unpublished waiting = unpublished;
        if (waiting == null) {
            return;
        }
        unpublished = null;
        retry = null;
        LOG.debug("{}: publishing {} again", source(), waiting.head() == null ? "the rejection of " + ref : waiting.head());
        try {
            publish(waiting.head(), waiting.write());
            if (waiting.head() != null) {
                handled = waiting.head();
            }
        } catch (RevisionPipeline.PublishFailedException e) {
            // rescheduled by publish(); the pipeline said it in one line
        } catch (RuntimeException e) {
            LOG.warn("{}: publishing {} again failed", source(), waiting.head(), e);
        }
    }

    private void cancelRetry() {
        unpublished = null;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /** How many times the remote was asked where the ref points. */
    long remoteReads() {
        return remoteReads.get();
    }

    /** How many writes the bus refused. */
    long publishFailures() {
        return publishFailures.get();
    }

    /** Where the ref points on the remote now. */
    private GitRef.Resolution.Found resolveHead() throws SourceProblem, IOException {
        remoteReads.incrementAndGet();
        if (ref.kind() == GitRef.Kind.COMMIT) {
            return new GitRef.Resolution.Found(null, ref.name());
        }
        Map<String, String> advertised = new TreeMap<>();
        try {
            for (Ref r : transport.configure(Git.lsRemoteRepository().setRemote(options.url()).setTags(false).setHeads(false)).call()) {
                ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                if (id != null) {
                    advertised.put(r.getName(), id.name());
                }
            }
        } catch (GitAPIException | RuntimeException e) {
            throw new SourceProblem(describe(e));
        }
        GitRef.Resolution resolved = ref.resolve(advertised, shownUrl);
        if (resolved instanceof GitRef.Resolution.Missing m) {
            throw new SourceProblem(m.message());
        }
        return (GitRef.Resolution.Found) resolved;
    }

    /** Fetches {@code sha} if the cache lacks it, reads its tree and hands it to the pipeline. */
    private void read(GitRef.Resolution.Found head, long receivedAt) throws IOException, GitAPIException, SourceProblem {
        String sha = head.sha();
        try (Git git = openCache()) {
            Repository repo = git.getRepository();
            ObjectId id = ObjectId.fromString(sha);
            if (!repo.getObjectDatabase().has(id)) {
                fetch(git, head.remoteRef());
            }
            if (!repo.getObjectDatabase().has(id)) {
                throw new SourceProblem("commit " + sha.substring(0, 12) + " is not in " + shownUrl
                        + " (on no branch or tag): push it, or pin another with --git-branch");
            }
            try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
                RevCommit commit = walk.parseCommit(id);
                walk.parseBody(commit);
                CommitInfo info = info(commit, receivedAt);
                if (options.verifyKeyring() != null) {
                    String problem = signatureProblem(commit);
                    if (problem != null) {
                        publish(sha, () -> reject(sha, problem, info));
                        return;
                    }
                }
                LoadResult read = CommitTree.read(reader, commit, options.path(), options.limits());
                LoadResult loaded = ConfigLoader.parse(ConfigLoader.withMeshConfig(read, options.meshConfig()), parses);
                publish(sha, () -> pipeline.submit(loaded, sha, info));
            }
        }
    }

    private void fetch(Git git, String remote) throws GitAPIException, IOException {
        FetchCommand fetch = git.fetch().setRemote(options.url()).setTagOpt(TagOpt.NO_TAGS);
        if (ref.kind() == GitRef.Kind.COMMIT) {
            // a pinned commit is found on whichever branch or tag holds it; the whole history, as a shallow one may miss it
            fetch.setRefSpecs(new RefSpec("+refs/heads/*:refs/strait/heads/*"), new RefSpec("+refs/tags/*:refs/strait/tags/*"));
        } else {
            // forced: a force-push or a reset moves the head anywhere, and the head is the revision
            fetch.setRefSpecs(new RefSpec("+" + remote + ":" + HEAD_REF));
            if (options.depth() > 0) {
                fetch.setDepth(options.depth());
            }
        }
        transport.configure(fetch).call();
    }

    private String signatureProblem(RevCommit commit) {
        try {
            return CommitSignatures.load(options.verifyKeyring()).problem(commit).orElse(null);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void reject(String id, String message, CommitInfo commit) {
        String code = commit != null ? SIGNATURE_CODE : FETCH_CODE;
        pipeline.rejectSource(id, List.of(new Finding(Finding.Level.ERROR, code, shownUrl, 0, null, null, message)), commit);
    }

    private Git openCache() throws IOException, GitAPIException {
        if (Files.isDirectory(cache.resolve("objects"))) {
            try {
                return Git.open(cache.toFile());
            } catch (IOException e) {
                LOG.warn("{}: the cache {} cannot be opened ({}); starting it again", source(), cache, e.getMessage());
                wipeCache();
            }
        }
        Files.createDirectories(cache);
        return Git.init().setBare(true).setDirectory(cache.toFile()).call();
    }

    private void wipeCache() {
        if (!Files.exists(cache)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(cache)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("{}: could not delete the cache {}: {}", source(), cache, e.getMessage());
        }
    }

    /** A message a user can act on, naming the repository without credentials and never holding the token. */
    private String describe(Exception e) {
        String refusal = transport.hostKeyRefusal();
        if (refusal != null) {
            return refusal;
        }
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 2000; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        String text = scrub(all.toString());
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        String retry = "; retrying every " + options.poll().toSeconds() + " s";
        if (lower.contains("not authorized") || lower.contains("authentication is required") || lower.contains("auth fail")
                || lower.contains("401") || lower.contains("no more authentication methods") || lower.contains("could not authenticate")) {
            return shownUrl + " refused the credentials (" + firstLine(text) + "): check --git-token-file and --git-user for "
                    + "HTTPS, --git-ssh-key for SSH" + retry;
        }
        if (lower.contains("not found") || lower.contains("does not appear to be a git repository") || lower.contains("not a git repository")
                || lower.contains("repository not found") || lower.contains("404")) {
            return "no git repository at " + shownUrl + " (" + firstLine(text) + "): check the URL" + retry;
        }
        if (lower.contains("connection refused") || lower.contains("unknownhost") || lower.contains("unknown host")
                || lower.contains("timed out") || lower.contains("timeout") || lower.contains("cannot open") || lower.contains("unreachable")) {
            return "cannot reach " + shownUrl + " (" + firstLine(text) + "): check the URL, the server and the network" + retry;
        }
        if (lower.contains("pack") || lower.contains("corrupt") || lower.contains("missing") || lower.contains("invalid")) {
            return "the repository " + shownUrl + " sent data that cannot be read (" + firstLine(text) + "): the local copy was "
                    + "dropped and is fetched again; if this persists, run git fsck on the server" + retry;
        }
        return "fetching " + shownUrl + " failed (" + firstLine(text) + ")" + retry;
    }

    private String scrub(String text) {
        String out = text.replace(options.url(), shownUrl);
        String token = transport.tokenForScrubbing();
        return token == null || token.isEmpty() ? out : out.replace(token, "***");
    }

    private static String firstLine(String text) {
        String t = text.endsWith(" / ") ? text.substring(0, text.length() - 3) : text;
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static CommitInfo info(RevCommit commit, long receivedAt) {
        PersonIdent author = commit.getAuthorIdent();
        PersonIdent committer = commit.getCommitterIdent();
        return new CommitInfo(commit.name(), commit.getShortMessage(), author.getName() + " <" + author.getEmailAddress() + ">",
                committer.getWhenAsInstant().toEpochMilli(), receivedAt);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        pipeline.close();
    }

    /** The repository could not be read; the message says why and what to do. */
    private static final class SourceProblem extends Exception {
        SourceProblem(String message) {
            super(message);
        }
    }
}

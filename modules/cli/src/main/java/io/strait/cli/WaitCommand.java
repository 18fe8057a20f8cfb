package io.strait.cli;

import io.strait.bus.envelope.RevisionStatus;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.Rollout;
import io.strait.cli.status.RevisionReport;
import io.strait.cli.status.RevisionReports;
import io.strait.cli.status.StatusSource;
import io.strait.model.finding.Finding;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strait wait --revision R}: returns when every proxy the revision affects has ACKed config built from it.
 * Exit codes: 0 applied everywhere; 1 timed out (the stragglers are listed); 2 a proxy refused it (NACK, with the
 * error); 3 the revision was rejected by validation. An ambiguous prefix is an error (exit 2 with the candidates listed)
 * before anything is waited for.
 */
@Command(name = "wait", description = "Wait until every affected proxy has applied a config revision.")
public final class WaitCommand implements Callable<Integer> {
    @Option(names = "--revision", description = "The revision to wait for: a commit SHA or any unique prefix of at "
            + "least 4 characters (default: the source's live revision). An id not published yet is waited for.")
    String revision;

    @Option(names = "--source", description = "The config source (default: the only one).")
    String source;

    @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port of a running Strait (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--kafka", description = "Read the bus of this Kafka cluster directly.")
    String kafka;

    @Override
    public Integer call() throws Exception {
        long nanos = io.strait.model.istio.Durations.nanos(timeout);
        if (nanos < 0) {
            throw new IllegalArgumentException("--timeout " + timeout + " is not a duration (e.g. 30s, 2m)");
        }
        StatusSource statuses = new StatusSource(adminPort, kafka);
        long deadline = System.nanoTime() + nanos;
        String lastProgress = "";
        while (true) {
            MeshStatus status = statuses.read();
            String src = source;
            String rev = revision;
            if (rev != null) {
                RevisionReports.Lookup found = RevisionReports.find(status, rev, source);
                if (found instanceof RevisionReports.Ambiguous a) {
                    System.out.println(a.message() + ":");
                    a.candidates().forEach(c -> System.out.println("  " + c));
                    throw new IllegalArgumentException("ambiguous revision " + rev);
                }
                if (found instanceof RevisionReports.Unknown u) {
                    // a commit just pushed may not be fetched yet: wait for ingest to publish it, up to the timeout
                    if (rev.trim().length() < RevisionReports.MIN_PREFIX) {
                        throw new IllegalArgumentException(u.message());
                    }
                    String progress = u.message() + "; waiting for ingest to publish it";
                    if (!progress.equals(lastProgress)) {
                        System.out.println(progress);
                        lastProgress = progress;
                    }
                    if (System.nanoTime() > deadline) {
                        System.out.println("timed out after " + timeout + ": " + u.message());
                        return 1;
                    }
                    Thread.sleep(200); // poll interval of an interactive command
                    continue;
                }
                RevisionReport report = ((RevisionReports.Found) found).report();
                src = report.source();
                rev = report.revision();
            } else {
                src = source != null ? source : status.sources().size() == 1 ? status.sources().get(0).source() : null;
                if (src == null) {
                    throw new IllegalArgumentException("several sources publish config; name one with --source: "
                            + status.sources().stream().map(RevisionStatus::source).toList());
                }
                String named = src;
                rev = status.sources().stream().filter(s -> s.source().equals(named)).findFirst().map(RevisionStatus::liveRevision).orElse(null);
                if (rev == null) {
                    throw new IllegalArgumentException("source " + src + " has no live revision yet; pass --revision");
                }
            }
            Rollout r = Rollout.of(status, src, rev);
            String progress = "revision " + RevisionReport.shortId(rev) + " of " + src + " (" + r.state() + "): " + r.applied().size() + "/" + r.affected() + " proxies";
            if (!progress.equals(lastProgress)) {
                System.out.println(progress);
                lastProgress = progress;
            }
            if (r.state().equals("rejected")) {
                String id = rev;
                System.out.println("revision " + RevisionReport.shortId(rev) + " was rejected:");
                RevisionReports.all(status).stream().filter(x -> x.source().equals(r.source()) && x.revision().equals(id)).findFirst()
                        .ifPresent(x -> x.findings().stream().filter(Finding::isError).forEach(f -> System.out.println("  " + f.describe())));
                return 3;
            }
            if (!r.nacks().isEmpty()) {
                System.out.println("refused by " + r.nacks().size() + " proxies:");
                r.nacks().forEach((proxy, error) -> System.out.println("  " + proxy + " " + error));
                return 2;
            }
            if (r.complete()) {
                System.out.println("applied by all " + r.affected() + " proxies"
                        + (r.state().equals("superseded") ? " (superseded: they run a newer revision of " + src + ")" : "")
                        + (r.convergeMillis() >= 0 ? " (converged " + r.convergeMillis() + " ms after it was received)" : ""));
                return 0;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("timed out after " + timeout + "; not yet applied by " + r.stragglers().size() + " proxies:");
                r.stragglers().forEach(p -> System.out.println("  " + p));
                return 1;
            }
            Thread.sleep(Duration.ofMillis(200).toMillis()); // poll interval of an interactive command
        }
    }
}

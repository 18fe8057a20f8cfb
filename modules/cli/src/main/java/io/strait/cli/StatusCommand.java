package io.strait.cli;

import io.strait.bus.envelope.RevisionStatus;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.Rollout;
import io.strait.cli.status.StatusSource;
import io.strait.cli.status.StatusTable;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strait status}: every connected proxy's sync state and every source's revisions. */
@Command(name = "status", description = "Show connected proxies (SYNCED / STALE / NACK per xDS type) and config revisions.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--admin-port", defaultValue = "15014", description = "Admin port of a running Strait (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--kafka", description = "Read the bus of this Kafka cluster directly instead of asking the admin port.")
    String kafka;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
    String output;

    @Option(names = "--revisions", description = "Show each source's revisions and how far they have rolled out.")
    boolean revisions;

    @Override
    public Integer call() throws Exception {
        MeshStatus status = new StatusSource(adminPort, kafka).read();
        if (output.equals("json")) {
            System.out.println(new String(Json.write(status), StandardCharsets.UTF_8));
        } else if (revisions) {
            System.out.printf("%-24s %-14s %-9s %-10s %s%n", "SOURCE", "REVISION", "STATE", "PROXIES", "CONVERGED");
            for (RevisionStatus s : status.sources()) {
                if (s.live() != null) {
                    Rollout r = Rollout.of(status, s.source(), s.live().revision());
                    System.out.printf("%-24s %-14s %-9s %-10s %s%n", s.source(), r.revision(), "accepted",
                            r.applied().size() + "/" + r.affected(), r.convergeMillis() < 0 ? "-" : r.convergeMillis() + " ms");
                }
                if (s.lastRejected() != null) {
                    System.out.printf("%-24s %-14s %-9s %-10s %s%n", s.source(), s.lastRejected().revision(), "rejected", "-",
                            s.lastRejected().findings().size() + " finding(s)");
                }
            }
        } else {
            System.out.print(StatusTable.render(status));
        }
        return 0;
    }
}

package io.strait.cli;

import io.strait.cli.status.MeshStatus;
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

    @Option(names = "--revisions", description = "Show each source's last revisions (per git commit: subject, author), accepted or "
            + "rejected with the findings, proxies applied N/M, NACKs, and push-to-last-ACK time; -o json gives the same.")
    boolean revisions;

    @Override
    public Integer call() throws Exception {
        MeshStatus status = new StatusSource(adminPort, kafka).read();
        if (revisions) {
            java.util.List<io.strait.cli.status.RevisionReport> reports = io.strait.cli.status.RevisionReports.all(status);
            System.out.print(output.equals("json") ? new String(Json.write(reports), StandardCharsets.UTF_8) + "\n"
                    : io.strait.cli.status.RevisionTable.render(reports));
        } else if (output.equals("json")) {
            System.out.println(new String(Json.write(status), StandardCharsets.UTF_8));
        } else {
            System.out.print(StatusTable.render(status));
        }
        return 0;
    }
}

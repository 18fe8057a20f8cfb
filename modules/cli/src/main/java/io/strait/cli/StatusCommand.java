package io.strait.cli;

import io.strait.bus.kafka.BusConfig;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.StatusReader;
import io.strait.cli.status.StatusTable;
import io.strait.model.json.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Override
    public Integer call() throws Exception {
        MeshStatus status;
        if (kafka != null) {
            status = StatusReader.read(new BusConfig(kafka, "strait-cli"), Duration.ofSeconds(15));
        } else {
            status = Json.read(fetch(adminPort), MeshStatus.class);
        }
        if (output.equals("json")) {
            System.out.println(new String(Json.write(status), StandardCharsets.UTF_8));
        } else {
            System.out.print(StatusTable.render(status));
        }
        return 0;
    }

    private static byte[] fetch(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("admin port " + port + " answered " + res.statusCode() + ": "
                        + new String(res.body(), StandardCharsets.UTF_8).trim());
            }
            return res.body();
        } catch (ConnectException e) {
            throw new IllegalStateException("no Strait admin port on 127.0.0.1:" + port
                    + "; is `strait up` running? (or pass --kafka HOST:PORT)");
        }
    }
}

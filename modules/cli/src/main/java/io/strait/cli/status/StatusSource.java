package io.strait.cli.status;

import io.strait.bus.kafka.BusConfig;
import io.strait.model.json.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Where the CLI reads the mesh status from: a running Strait's admin port, or the bus itself. */
public final class StatusSource {
    private final Integer adminPort;
    private final String kafka;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** @param adminPort the admin port to ask, used when {@code kafka} is null */
    public StatusSource(int adminPort, String kafka) {
        this.adminPort = adminPort;
        this.kafka = kafka;
    }

    public MeshStatus read() throws Exception {
        if (kafka != null) {
            BusConfig bus = new BusConfig(kafka, "strait-cli");
            BusReachability.require(bus, Duration.ofSeconds(5));
            return StatusReader.read(bus, Duration.ofSeconds(15));
        }
        try {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("admin port " + adminPort + " answered " + res.statusCode() + ": "
                        + new String(res.body(), StandardCharsets.UTF_8).trim());
            }
            return Json.read(res.body(), MeshStatus.class);
        } catch (ConnectException e) {
            throw new IllegalStateException("no Strait admin port on 127.0.0.1:" + adminPort
                    + "; is `strait up` running? (or pass --kafka HOST:PORT)");
        }
    }
}

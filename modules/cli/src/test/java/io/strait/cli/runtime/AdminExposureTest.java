package io.strait.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An admin port on every address ({@code --admin-bind 0.0.0.0}, as in a pod): a caller reaching it through a
 * non-loopback address of this host gets the probes and metrics, and a 403 for everything else; a loopback caller
 * gets every endpoint, as before.
 */
class AdminExposureTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // none of the paths asked here reads the bus
        admin = new AdminServer(vertx, new BusConfig("127.0.0.1:1", "test"), 0, () -> 0,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, null, List.of()).listenOn("0.0.0.0");
        admin.start();
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        vertx.close().await();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + admin.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        return null;
    }

    @Test
    void aRemoteCallerGetsTheProbesAndMetricsAndNothingElse() throws Exception {
        String address = nonLoopbackAddress();
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address to call the admin port through");
        assertThat(get(address, "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(address, "/readyz").statusCode()).isEqualTo(200);
        assertThat(get(address, "/metrics").statusCode()).isEqualTo(200);
        for (String path : List.of("/status", "/revisions", "/ca/token", "/apply", "/config", "/rollouts/resume", "/debug/heap")) {
            HttpResponse<String> res = get(address, path);
            assertThat(res.statusCode()).as(path).isEqualTo(403);
            assertThat(res.body()).as(path).contains("answers only callers on this host's loopback").contains("kubectl port-forward");
        }
    }

    @Test
    void aLoopbackCallerStillReachesEveryEndpoint() throws Exception {
        assertThat(get("127.0.0.1", "/healthz").statusCode()).isEqualTo(200);
        // past the exposure check: the endpoint itself answers (this node runs no CA)
        HttpResponse<String> token = get("127.0.0.1", "/ca/token");
        assertThat(token.statusCode()).isEqualTo(404);
        assertThat(token.body()).contains("runs no CA");
    }

    @Test
    void aPathNotListedIsLoopbackOnly() {
        assertThat(AdminExposure.allows("/healthz", false)).isTrue();
        assertThat(AdminExposure.allows("/webhooks/git", false)).isTrue();
        assertThat(AdminExposure.allows("/some/new/endpoint", false)).isFalse();
        assertThat(AdminExposure.allows("/some/new/endpoint", true)).isTrue();
    }

    @Test
    void loopbackIsReadFromTheAddressText() {
        assertThat(AdminExposure.isLoopback("127.0.0.1")).isTrue();
        assertThat(AdminExposure.isLoopback("127.1.2.3")).isTrue();
        assertThat(AdminExposure.isLoopback("::1")).isTrue();
        assertThat(AdminExposure.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(AdminExposure.isLoopback("::ffff:127.0.0.1")).isTrue();
        assertThat(AdminExposure.isLoopback("10.0.0.7")).isFalse();
        assertThat(AdminExposure.isLoopback("::ffff:10.0.0.7")).isFalse();
        assertThat(AdminExposure.isLoopback("fe80::1")).isFalse();
        assertThat(AdminExposure.isLoopback(null)).isFalse();
    }
}

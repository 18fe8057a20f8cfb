package io.strait.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrpcBootstrapTest {
    private final GrpcBootstrap.FileWatcher files = new GrpcBootstrap.FileWatcher(Path.of("/w/cert-chain.pem"), Path.of("/w/key.pem"),
            Path.of("/w/root-cert.pem"), Duration.ofSeconds(5));
    private final GrpcBootstrap agent = GrpcBootstrap.forWorkload("unix:///w/XDS", "10.0.0.7", "web-1", "shop", "web",
            Map.of("app", "web"), "Kubernetes").withCertificates(files);

    @Test
    void theNodeIsIstiosWithTheRealServiceAccount() throws Exception {
        var json = Json.MAPPER.readTree(agent.toJson());
        assertThat(json.at("/node/id").asText()).isEqualTo("sidecar~10.0.0.7~web-1.shop~shop.svc.cluster.local");
        assertThat(json.at("/node/metadata/SERVICE_ACCOUNT").asText()).isEqualTo("web");
        assertThat(json.at("/node/metadata/NAMESPACE").asText()).isEqualTo("shop");
        assertThat(json.at("/node/metadata/LABELS/app").asText()).isEqualTo("web");
        assertThat(json.at("/node/metadata/GENERATOR").asText()).isEqualTo("grpc");
        assertThat(json.at("/node/metadata/CLUSTER_ID").asText()).isEqualTo("Kubernetes");
    }

    @Test
    void theAgentsBootstrapPointsAtItsProxyWithTheFileWatcher() throws Exception {
        var json = Json.MAPPER.readTree(agent.toJson());
        assertThat(json.at("/xds_servers/0/server_uri").asText()).isEqualTo("unix:///w/XDS");
        assertThat(json.at("/xds_servers/0/channel_creds/0/type").asText()).isEqualTo("insecure");
        assertThat(json.at("/xds_servers/0/server_features/0").asText()).isEqualTo("xds_v3");
        assertThat(json.at("/certificate_providers/default/plugin_name").asText()).isEqualTo("file_watcher");
        assertThat(json.at("/certificate_providers/default/config/certificate_file").asText()).isEqualTo("/w/cert-chain.pem");
        assertThat(json.at("/certificate_providers/default/config/private_key_file").asText()).isEqualTo("/w/key.pem");
        assertThat(json.at("/certificate_providers/default/config/ca_certificate_file").asText()).isEqualTo("/w/root-cert.pem");
        assertThat(json.at("/certificate_providers/default/config/refresh_interval").asText()).isEqualTo("5s");
        assertThat(json.at("/server_listener_resource_name_template").asText()).isEqualTo("xds.istio.io/grpc/lds/inbound/%s");
    }

    @Test
    void directModeUsesA65TlsCredentials() throws Exception {
        var json = Json.MAPPER.readTree(agent.withServer("istiod:15012", GrpcBootstrap.tls(files)).toJson());
        assertThat(json.at("/xds_servers/0/server_uri").asText()).isEqualTo("istiod:15012");
        assertThat(json.at("/xds_servers/0/channel_creds/0/type").asText()).isEqualTo("tls");
        assertThat(json.at("/xds_servers/0/channel_creds/0/config/ca_certificate_file").asText()).isEqualTo("/w/root-cert.pem");
        assertThat(json.at("/xds_servers/0/channel_creds/0/config/certificate_file").asText()).isEqualTo("/w/cert-chain.pem");
        assertThat(json.at("/xds_servers/0/channel_creds/0/config/private_key_file").asText()).isEqualTo("/w/key.pem");
    }

    @Test
    void aPlainClientBootstrapIsAsBefore() {
        Map<String, Object> map = GrpcBootstrap.forWorkload("127.0.0.1:15010", "c-1", "bookinfo", Map.of()).toMap();
        assertThat(map).containsOnlyKeys("xds_servers", "node");
        assertThat(((List<?>) map.get("xds_servers"))).hasSize(1);
    }
}

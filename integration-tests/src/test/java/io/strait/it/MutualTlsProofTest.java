package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.strait.agent.role.AgentOptions;
import io.strait.agent.role.WorkloadAgent;
import io.strait.ca.identity.SpiffeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mesh identity end to end with three identities, each held by its own {@code strait agent}: the grpc-xds server
 * {@code greeter} and the clients {@code checkout} and {@code audit}. Every xDS stream
 * goes through an agent's proxy to the secure port over mTLS; every certificate comes from the node's CA with a join
 * token. STRICT admits the mesh client with its identity and refuses plain text; a DestinationRule decides over auto
 * mTLS (ISTIO_MUTUAL keeps it, DISABLE sends plain text a STRICT server refuses); a PeerAuthentication edit switches
 * the server's port for new connections, timed from the file write.
 */
class MutualTlsProofTest {
    private SecureMesh mesh;

    @Test
    void strictAdmitsMeshIdentitiesAndARevisionSwitchesTheMode(@TempDir Path tmp) throws Exception {
        mesh = new SecureMesh(tmp, null, "STRICT");
        WorkloadAgent greeter = mesh.agent("greeter", "greeter-1", Map.of("app", "greeter"), Duration.ofHours(1));
        WorkloadAgent checkout = mesh.agent("checkout", "checkout-1", Map.of("app", "checkout"), Duration.ofHours(1));
        WorkloadAgent audit = mesh.agent("audit", "audit-1", Map.of("app", "audit"), Duration.ofHours(1));
        assertThat(audit.credentials().leaf().getSubjectAlternativeNames()).hasSize(1);
        mesh.startServer(greeter);
        ManagedChannel client = mesh.meshClient(checkout);

        // STRICT: mTLS with the client's mesh identity, seen by the server in the TLS session; no DestinationRule
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(SecureMesh.call(client, 2_000)).isEqualTo("greeter-1"));
        assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");
        assertThatThrownBy(() -> mesh.plainCall(2_000)).isInstanceOf(StatusRuntimeException.class);
        // a third identity: the server sees exactly who calls
        ManagedChannel auditClient = mesh.meshClient(audit);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(callOrError(auditClient)).isEqualTo("greeter-1"));
        assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/audit");

        // a DestinationRule decides over auto mTLS, as in Istio: ISTIO_MUTUAL keeps mTLS, DISABLE sends plain text
        // (which a STRICT server refuses), and without one auto mTLS is back; each checked on a new connection
        String scheme = SecureMesh.resolverFor(checkout);
        destinationRule("ISTIO_MUTUAL");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(freshCall(scheme)).isEqualTo("greeter-1");
            assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");
        });
        destinationRule("DISABLE");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(freshCall(scheme)).contains("UNAVAILABLE"));
        java.nio.file.Files.delete(mesh.config.resolve("greeter-dr.yaml"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(freshCall(scheme)).isEqualTo("greeter-1"));

        // PERMISSIVE by a revision: a gRPC server cannot serve both on one port, so (as Istio) its port turns plain text
        long permissive = switchTo("PERMISSIVE", true);
        // DISABLE, then back to STRICT: new connections follow each revision
        long strict = switchTo("STRICT", false);
        long disable = switchTo("DISABLE", true);
        System.out.printf("mode switch, file write → first new connection admitted/refused: PERMISSIVE %d ms, STRICT %d ms, "
                + "DISABLE %d ms%n", permissive, strict, disable);
        // the mesh client follows: with DISABLE its calls are plain text
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(callOrError(client)).isEqualTo("greeter-1");
            assertThat(mesh.lastPeer.get()).isEmpty();
        });
    }

    /** Writes the mode and returns the milliseconds until a new plain-text connection is admitted (or refused). */
    private long switchTo(String mode, boolean plainAdmitted) throws Exception {
        long start = System.nanoTime();
        mesh.peerAuthentication(mode);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            try {
                mesh.plainCall(500);
                return plainAdmitted;
            } catch (StatusRuntimeException e) {
                return !plainAdmitted;
            }
        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A proxy for identity A claiming B in its node metadata is refused by the secure port, through the agent too. */
    @Test
    void anAgentWhoseWorkloadClaimsAnotherIdentityGetsNoConfig(@TempDir Path tmp) throws Exception {
        mesh = new SecureMesh(tmp, null, "STRICT");
        String token = mesh.node.ca().issueToken(new SpiffeId("cluster.local", "shop", "checkout"), Duration.ofMinutes(10));
        WorkloadAgent checkout = WorkloadAgent.start(AgentOptions.of("127.0.0.1:" + mesh.node.ca().securePort(), token, "checkout-1",
                "shop", "checkout", tmp.resolve("agents/checkout")));
        try {
            // the workload edits its bootstrap to claim greeter's service account; its certificate still says checkout
            Map<String, Object> forged = new java.util.LinkedHashMap<>(checkout.bootstrap().toMap());
            @SuppressWarnings("unchecked")
            Map<String, Object> node = new java.util.LinkedHashMap<>((Map<String, Object>) forged.get("node"));
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = new java.util.LinkedHashMap<>((Map<String, Object>) node.get("metadata"));
            metadata.put("SERVICE_ACCOUNT", "greeter");
            node.put("metadata", metadata);
            forged.put("node", node);
            String scheme = "strait-forged";
            io.grpc.NameResolverRegistry.getDefaultRegistry().register(io.grpc.xds.XdsNameResolverProvider.createForTest(scheme, forged));
            ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(scheme + ":///" + SecureMesh.HOST + ":7070",
                    io.grpc.InsecureChannelCredentials.create()).build();
            try {
                assertThatThrownBy(() -> SecureMesh.call(channel, 5_000))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("shop/greeter");
            } finally {
                channel.shutdownNow();
            }
        } finally {
            checkout.close();
        }
    }

    private void destinationRule(String tlsMode) throws Exception {
        mesh.writeConfig("greeter-dr", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: greeter, namespace: shop}
                spec:
                  host: %s
                  trafficPolicy: {tls: {mode: %s}}
                """.formatted(SecureMesh.HOST, tlsMode));
    }

    /** One call on a new channel (a new connection) through the resolver registered as {@code scheme}. */
    private static String freshCall(String scheme) {
        ManagedChannel channel = SecureMesh.channel(scheme);
        try {
            return callOrError(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private static String callOrError(ManagedChannel channel) {
        try {
            return SecureMesh.call(channel, 2_000);
        } catch (StatusRuntimeException e) {
            return e.getStatus().toString();
        }
    }

    @AfterEach
    void stop() {
        InProcess.close(mesh);
    }
}

package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.strait.agent.role.WorkloadAgent;
import io.strait.cli.demo.EchoService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuthorizationPolicy proven by traffic on a proxyless gRPC server: the grpc-xds server {@code greeter} (STRICT mTLS)
 * and the mesh clients {@code checkout} and {@code audit}, each with its own {@code strait agent}. Each step writes
 * the policy file (one revision) and waits, on channels opened once at the start, for the status codes the clients
 * get; the time from the write to the last expected outcome is printed and bounded. Every step changes at least one
 * outcome, so a step cannot pass on the previous revision.
 */
class AuthorizationTrafficTest {
    private static final String OK = "greeter-1";
    private static final String DENIED = "PERMISSION_DENIED";
    private static final String PATH = "/" + EchoService.CALL.getFullMethodName(); // /strait.demo.Echo/Call
    /** A step's bound: the figure is printed; the issue asks for about a second, this leaves room for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    private SecureMesh mesh;

    @Test
    void policiesDecideWhoIsServedAndEditsReachOpenChannels(@TempDir Path tmp) throws Exception {
        mesh = new SecureMesh(tmp, null, "STRICT");
        WorkloadAgent greeter = mesh.agent("greeter", "greeter-1", Map.of("app", "greeter"), Duration.ofHours(1));
        WorkloadAgent checkoutAgent = mesh.agent("checkout", "checkout-1", Map.of("app", "checkout"), Duration.ofHours(1));
        WorkloadAgent auditAgent = mesh.agent("audit", "audit-1", Map.of("app", "audit"), Duration.ofHours(1));
        mesh.startServer(greeter);
        ManagedChannel checkout = mesh.meshClient(checkoutAgent);
        ManagedChannel audit = mesh.meshClient(auditAgent);
        Metadata blocked = new Metadata();
        blocked.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), "blocked");
        // the same identity and connection as checkout, with a header on each call
        Channel checkoutBlocked = ClientInterceptors.intercept(checkout, MetadataUtils.newAttachHeadersInterceptor(blocked));
        Map<String, Channel> clients = new LinkedHashMap<>();
        clients.put("checkout", checkout);
        clients.put("audit", audit);
        clients.put("checkout+x-user", checkoutBlocked);

        // no policy: everyone in the mesh is served
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(outcomes(clients)).containsOnly(entry("checkout", OK), entry("audit", OK), entry("checkout+x-user", OK)));
        assertThat(mesh.lastPeer.get()).isEqualTo("spiffe://cluster.local/ns/shop/sa/checkout");

        List<String> report = new ArrayList<>();
        report.add(step("ALLOW by principal", policy("greeter", "ALLOW", selector(), """
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/shop/sa/checkout]}}]
                """), clients, OK, DENIED, OK));
        report.add(step("DENY by path " + PATH, policy("greeter", "DENY", selector(), """
                  rules:
                  - to: [{operation: {paths: [%s]}}]
                """.formatted(PATH)), clients, DENIED, DENIED, DENIED));
        report.add(step("DENY by another method's path", policy("greeter", "DENY", selector(), """
                  rules:
                  - to: [{operation: {paths: [/strait.demo.Echo/Other]}}]
                """), clients, OK, OK, OK));
        report.add(step("DENY by header", headerDeny(), clients, OK, OK, DENIED));
        report.add(step("namespace-wide DENY of audit", policy("shop", "DENY", "", """
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/shop/sa/audit]}}]
                """), clients, OK, DENIED, OK));
        // mesh-wide: in the root namespace, without a selector, it reaches greeter in shop
        report.add(step("mesh-wide ALLOW of audit", policy("istio-system", "ALLOW", "", """
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/shop/sa/audit]}}]
                """).replace("namespace: shop", "namespace: istio-system"), clients, DENIED, OK, DENIED));
        // dry-run DENY of everything changes nothing; the header DENY beside it shows the revision is live
        report.add(step("dry-run DENY of everything", policy("dry-run", "DENY", selector(), """
                  rules:
                  - {}
                """).replace("metadata: {name: dry-run, namespace: shop}",
                "metadata: {name: dry-run, namespace: shop, annotations: {istio.io/dry-run: \"true\"}}")
                + "---\n" + headerDeny(), clients, OK, OK, DENIED));
        // gRPC has no JWT: an ALLOW that needs a request principal can never match, so it allows no one (fail closed)
        report.add(step("ALLOW by requestPrincipals (not enforceable by gRPC)", policy("jwt-only", "ALLOW", selector(), """
                  rules:
                  - from: [{source: {requestPrincipals: ["*"]}}]
                """), clients, DENIED, DENIED, DENIED));
        System.out.println("AuthorizationPolicy file write → outcome on open channels:\n  " + String.join("\n  ", report));
    }

    /**
     * Writes the step's policies and waits for the outcomes of checkout, audit and checkout with the header.
     * Returns the step's line of the report.
     */
    private String step(String name, String yaml, Map<String, Channel> clients, String checkout, String audit, String blocked)
            throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("checkout", checkout);
        expected.put("audit", audit);
        expected.put("checkout+x-user", blocked);
        long start = System.nanoTime();
        mesh.writeConfig("authorization", yaml);
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(outcomes(clients)).isEqualTo(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(name + ": expected " + expected + ", got " + outcomes(clients), e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(Duration.ofMillis(millis)).as(name + " took effect in %d ms", millis).isLessThan(BOUND);
        return "%-55s %5d ms  %s".formatted(name, millis, expected);
    }

    private static Map<String, String> outcomes(Map<String, Channel> clients) {
        Map<String, String> out = new LinkedHashMap<>();
        clients.forEach((name, channel) -> out.put(name, callOrStatus(channel)));
        return out;
    }

    /** The answer, or the status code the client got. */
    private static String callOrStatus(Channel channel) {
        try {
            return SecureMesh.call(channel, 1_000);
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    private static Map.Entry<String, String> entry(String k, String v) {
        return Map.entry(k, v);
    }

    private static String selector() {
        return "  selector: {matchLabels: {app: greeter}}\n";
    }

    private static String headerDeny() {
        return policy("header", "DENY", selector(), """
                  rules:
                  - when: [{key: "request.headers[x-user]", values: [blocked]}]
                """);
    }

    private static String policy(String name, String action, String selector, String rules) {
        return """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: %s, namespace: shop}
                spec:
                %s  action: %s
                %s""".formatted(name, selector, action, rules);
    }

    @AfterEach
    void stop() {
        InProcess.close(mesh);
    }
}

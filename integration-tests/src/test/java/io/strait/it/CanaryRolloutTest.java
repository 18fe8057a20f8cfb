package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.StatusReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rollout canary=1%,wait=4s} with three proxies in three scopes (so exactly one, the at-least-one scope, is
 * canary): a good revision reaches the canary first and the others only after the wait, once the canary ACKed it; a
 * revision the canary NACKs is halted and the other proxies are sent nothing — they stay on the previous routes —
 * until {@code strait rollout resume} promotes it.
 */
class CanaryRolloutTest {
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final String SOURCE = "folder:config";

    /** A raw ADS client in its own namespace (its own scope) asking for the reviews routes. */
    private static final class Proxy implements AutoCloseable {
        final Node node;
        final RawAdsStream ads;
        DiscoveryResponse last;
        /** A response already taken off the stream and not answered yet ({@link #pending}). */
        private DiscoveryResponse taken;

        Proxy(int port, String namespace) {
            node = Node.newBuilder().setId("sidecar~127.0.0.1~app-1." + namespace + "~" + namespace + ".svc.cluster.local")
                    .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
            ads = new RawAdsStream(port);
            ads.send(request().build());
        }

        DiscoveryRequest.Builder request() {
            return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY);
        }

        /** The next response within {@code seconds}, ACKed or NACKed; null if none came. */
        DiscoveryResponse answer(long seconds, boolean ack) throws InterruptedException {
            DiscoveryResponse r = taken != null ? taken : ads.next(seconds);
            taken = null;
            if (r == null) {
                return null;
            }
            DiscoveryRequest.Builder reply = request().setResponseNonce(r.getNonce());
            if (ack) {
                last = r;
                reply.setVersionInfo(r.getVersionInfo());
            } else {
                reply.setVersionInfo(last == null ? "" : last.getVersionInfo())
                        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("refused by the canary test"));
            }
            ads.send(reply.build());
            return r;
        }

        /** Keeps a response read off the stream for the next {@link #answer}. */
        void pending(DiscoveryResponse r) {
            taken = r;
        }

        String cluster() throws Exception {
            return last.getResources(0).unpack(RouteConfiguration.class).getVirtualHosts(0).getRoutes(0).getRoute().getCluster();
        }

        @Override
        public void close() {
            ads.close();
        }
    }

    @Test
    void aGoodRevisionReachesTheCanaryFirstAndANackedOneNeverLeavesIt(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"),
                     mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), 0, "front-c", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS))
                     .withRollouts(List.of(RolloutPolicy.parse("canary=1%,wait=4s"))).start()) {
            // the first revision: no proxy yet, so no canary to wait for; promoted after the wait
            await().atMost(Duration.ofSeconds(60)).until(() -> live(node).flatMap(r -> status(node).rollout(SOURCE, r))
                    .map(RolloutState::promoted).orElse(false));
            List<Proxy> proxies = new ArrayList<>();
            for (String ns : List.of("team-a", "team-b", "team-c")) {
                proxies.add(new Proxy(node.xdsPort(), ns));
            }
            try {
                for (Proxy p : proxies) {
                    assertThat(p.answer(30, true)).as("first routes of " + p.node.getId()).isNotNull();
                }
                // revision 1, good: only the canary scope is sent it
                mesh.writeVirtualService(MeshFixture.all("v1"));
                RolloutState canary = awaitState(node, RolloutState.CANARY);
                assertThat(canary.canaryScopes()).hasSize(1);
                Proxy canaryProxy = canaryOf(node, proxies, canary);
                assertThat(canaryProxy.answer(30, true)).as("the canary gets revision 1").isNotNull();
                assertThat(canaryProxy.cluster()).contains("v1");
                for (Proxy p : proxies) {
                    if (p != canaryProxy) {
                        // held while the canary waits; on a loaded machine the 4 s wait may run out while we look,
                        // and then the push must be the promotion's, not a leak past the hold
                        var early = p.ads.next(1);
                        if (early != null) {
                            RolloutState now = status(node).rollout(SOURCE, canary.revision()).orElseThrow();
                            assertThat(now.promoted()).as(p.node.getId() + " was sent revision 1 before its promotion").isTrue();
                            assertThat(now.at()).as("promoted no sooner than the wait").isGreaterThanOrEqualTo(canary.waitUntil());
                            p.pending(early);
                        }
                    }
                }
                for (Proxy p : proxies) {
                    if (p != canaryProxy) {
                        assertThat(p.answer(30, true)).as(p.node.getId() + " gets revision 1 once promoted").isNotNull();
                        assertThat(p.cluster()).contains("v1");
                    }
                }
                assertThat(status(node).rollout(SOURCE, canary.revision()).orElseThrow().phase()).isEqualTo(RolloutState.PROMOTED);

                // revision 2: the canary refuses it; it is halted and goes no further
                mesh.writeVirtualService(MeshFixture.all("v2"));
                await().atMost(Duration.ofSeconds(30)).until(() -> !live(node).orElse("").equals(canary.revision()));
                assertThat(canaryProxy.answer(30, false)).as("the canary gets revision 2").isNotNull();
                RolloutState halted = awaitState(node, RolloutState.HALTED);
                assertThat(halted.reason()).contains("NACK").contains("refused by the canary test");
                long quiet = 6; // the first held proxy is watched past the 4 s wait: a promotion would have come by then
                for (Proxy p : proxies) {
                    if (p != canaryProxy) {
                        assertThat(p.ads.next(quiet))
                                .as(p.node.getId() + " is sent nothing of the halted revision").isNull();
                        assertThat(p.cluster()).as("still on revision 1's routes").contains("v1");
                        quiet = 1;
                    }
                }

                var report = io.strait.cli.status.RevisionReports.find(status(node), halted.revision(), SOURCE);
                assertThat(report).isInstanceOf(io.strait.cli.status.RevisionReports.Found.class);
                var found = ((io.strait.cli.status.RevisionReports.Found) report).report();
                assertThat(found.halted()).as("status says halted").isTrue();
                assertThat(found.proxies().applied()).as("no proxy runs the halted revision: the canary refused it, the rest were held").isZero();
                System.out.println("canary scope " + canary.canaryScopes() + "; halted: " + halted.reason());

                // the operator decides the halted revision is right after all: strait rollout resume promotes it
                String rev12 = halted.revision().substring(0, 12);
                int code = new picocli.CommandLine(new io.strait.cli.RolloutCommand()).execute("resume", rev12,
                        "--admin-port", String.valueOf(node.adminPort()), "--data-dir", tmp.resolve("data").toString());
                assertThat(code).isZero();
                assertThat(status(node).rollout(SOURCE, halted.revision()).orElseThrow().phase()).isEqualTo(RolloutState.PROMOTED);
                for (Proxy p : proxies) {
                    if (p != canaryProxy) {
                        assertThat(p.answer(30, true)).as(p.node.getId() + " gets revision 2 once resumed").isNotNull();
                        assertThat(p.cluster()).contains("v2");
                    }
                }
                // a promoted rollout cannot be aborted any more
                assertThat(new picocli.CommandLine(new io.strait.cli.RolloutCommand()).execute("abort", rev12,
                        "--admin-port", String.valueOf(node.adminPort()), "--data-dir", tmp.resolve("data").toString())).isEqualTo(1);
            } finally {
                proxies.forEach(Proxy::close);
            }
        }
    }

    private static MeshStatus status(StraitNode node) {
        return StatusReader.read(node.bus(), Duration.ofSeconds(10));
    }

    private static Optional<String> live(StraitNode node) {
        return status(node).sources().stream().filter(s -> s.source().equals(SOURCE)).findFirst()
                .map(io.strait.bus.envelope.RevisionStatus::liveRevision);
    }

    /** The live revision's rollout once it is in {@code phase}. */
    private static RolloutState awaitState(StraitNode node, String phase) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            MeshStatus s = status(node);
            return live(node).flatMap(r -> s.rollout(SOURCE, r)).orElse(null);
        }, r -> r != null && r.phase().equals(phase));
    }

    private static Proxy canaryOf(StraitNode node, List<Proxy> proxies, RolloutState canary) {
        MeshStatus s = status(node);
        String scope = canary.canaryScopes().get(0);
        String id = s.proxies().stream().filter(p -> p.registration().scope().equals(scope)).findFirst().orElseThrow()
                .registration().proxyId();
        return proxies.stream().filter(p -> p.node.getId().equals(id)).findFirst().orElseThrow();
    }
}

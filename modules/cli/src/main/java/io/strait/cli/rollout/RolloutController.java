package io.strait.cli.rollout;

import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.Rollout;
import io.strait.cli.status.StatusReader;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides staged rollouts, run with the ingest role of the sources it governs. At start it writes
 * each source's policy to {@code strait.rollouts.v1} (a tombstone for a source without one), before the source
 * publishes anything, so translators hold the source's revisions from the first. Then, once a second, it reads the
 * mesh status from the bus and moves each source's live revision along: no state yet → {@code canary} on the scopes
 * {@link CanaryScopes} picks; {@code canary} → whatever {@link CanaryVerdict} says. Its state is the bus: a
 * restarted controller goes on where the last one stopped.
 */
public final class RolloutController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final Map<String, RolloutPolicy> policies;
    private final List<String> unmanaged;
    private final Supplier<MeshStatus> statuses;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-rollouts");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param policies  per source of this node, its policy
     * @param unmanaged the other sources of this node: their policy records are removed
     */
    public RolloutController(BusConfig bus, Map<String, RolloutPolicy> policies, List<String> unmanaged) {
        this.policies = Map.copyOf(policies);
        this.unmanaged = List.copyOf(unmanaged);
        this.statuses = () -> StatusReader.read(bus, Duration.ofSeconds(10));
        this.producer = new KafkaProducer<>(bus.producer("rollouts", null));
    }

    /** Writes the policies (and waits for the broker to have them), then starts deciding. */
    public RolloutController start() throws Exception {
        for (RolloutPolicy p : policies.values()) {
            producer.send(new ProducerRecord<>(Topics.ROLLOUTS, p.key(), Json.write(p))).get(30, TimeUnit.SECONDS);
        }
        for (String source : unmanaged) {
            producer.send(new ProducerRecord<>(Topics.ROLLOUTS, RolloutPolicy.key(source), null)).get(30, TimeUnit.SECONDS);
        }
        if (!policies.isEmpty()) {
            timer.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    private void tick() {
        try {
            MeshStatus status = statuses.get();
            for (RolloutState next : next(status, policies, System.currentTimeMillis())) {
                write(next);
            }
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again; the next tick reads everything afresh
            LOG.warn("deciding rollouts failed: {}", e.toString());
        }
    }

    /** Writes a rollout state and waits for the broker to have it. */
    void write(RolloutState state) {
        try {
            producer.send(new ProducerRecord<>(Topics.ROLLOUTS, state.key(), Json.write(state))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("writing the rollout state of " + state.revision() + " failed: " + e.getMessage(), e);
        }
        String rev = state.revision().length() > 12 ? state.revision().substring(0, 12) : state.revision();
        switch (state.phase()) {
            case RolloutState.CANARY -> EVENTS.info("revision {} of {}: canary on {} scope{} {}, promoted no earlier than in {} s",
                    rev, state.source(), state.canaryScopes().size(), state.canaryScopes().size() == 1 ? "" : "s",
                    state.canaryScopes(), (state.waitUntil() - state.startedAt()) / 1000);
            case RolloutState.HALTED -> EVENTS.warn("revision {} of {} HALTED: {}; the other scopes stay on the previous revision",
                    rev, state.source(), state.reason());
            default -> EVENTS.info("revision {} of {} {}: {}", rev, state.source(), state.phase(), state.reason());
        }
    }

    /** The rollout states to write now, one step per source's live revision at most. */
    static List<RolloutState> next(MeshStatus status, Map<String, RolloutPolicy> policies, long now) {
        List<RolloutState> out = new ArrayList<>();
        for (RevisionStatus src : status.sources()) {
            RolloutPolicy policy = policies.get(src.source());
            String live = src.liveRevision();
            if (policy == null || live == null) {
                continue;
            }
            Optional<RolloutState> state = status.rollout(src.source(), live);
            if (state.isEmpty()) {
                List<String> scopes = status.proxies().stream().map(p -> p.registration().scope()).toList();
                out.add(new RolloutState(1, src.source(), live, RolloutState.CANARY,
                        CanaryScopes.pick(scopes, policy.canaryBasisPoints()), now, now + policy.waitMillis(),
                        "canary " + policy.canaryBasisPoints() / 100.0 + "% of the scopes", now));
                continue;
            }
            RolloutState canary = state.get();
            if (!RolloutState.CANARY.equals(canary.phase())) {
                continue;
            }
            Rollout rollout = Rollout.of(status, src.source(), live);
            List<String> canaryProxies = status.proxies().stream()
                    .filter(p -> canary.canaryScopes().contains(p.registration().scope()))
                    .map(p -> p.registration().proxyId()).toList();
            CanaryVerdict.decide(canary, now, canaryProxies, new HashSet<>(rollout.applied()), rollout.nacks()).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
